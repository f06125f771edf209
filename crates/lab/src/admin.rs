//! The lab admin API (what `fedshare lab ...` offers): create, load, break and repair the world.

use std::path::Path;

use crate::breaks::Break;
use crate::error::LabError;
use crate::world::World;

/// Creates the lab world in `data_dir`. An existing world is kept (and returned) unless
/// `reset` is true.
pub fn init(data_dir: &Path, reset: bool, partners: usize) -> Result<World, LabError> {
    if !reset {
        match World::load(data_dir) {
            Ok(world) => return Ok(world),
            Err(LabError::NotInitialized(_)) => {}
            Err(e) => return Err(e),
        }
    }
    let world = World::contoso(partners);
    world.save(data_dir)?;
    Ok(world)
}

pub fn load(data_dir: &Path) -> Result<World, LabError> {
    World::load(data_dir)
}

/// The active breaks.
pub fn breaks(data_dir: &Path) -> Result<Vec<Break>, LabError> {
    Ok(World::load(data_dir)?.breaks)
}

/// Turns a break on (idempotent) and persists it.
pub fn apply_break(data_dir: &Path, b: Break) -> Result<World, LabError> {
    update(data_dir, |w| {
        if !w.breaks.contains(&b) {
            w.breaks.push(b);
        }
    })
}

/// Turns a break off (idempotent) and persists it.
pub fn clear_break(data_dir: &Path, b: Break) -> Result<World, LabError> {
    update(data_dir, |w| w.breaks.retain(|x| *x != b))
}

pub fn clear_all_breaks(data_dir: &Path) -> Result<World, LabError> {
    update(data_dir, |w| w.breaks.clear())
}

/// Applies a DNS change to the lab zone data (what a signed RFC 2136 update does). A new
/// TXT record at a name repairs the proof breaks, as republishing the record would.
pub fn set_records(
    data_dir: &Path,
    name: &str,
    rtype: &str,
    values: &[String],
) -> Result<bool, LabError> {
    let mut found = false;
    update(data_dir, |w| {
        found = w.set_records(name, rtype, values);
        if found && rtype.eq_ignore_ascii_case("TXT") {
            w.breaks.retain(|b| !b.is_dns());
        }
    })?;
    Ok(found)
}

fn update(data_dir: &Path, change: impl FnOnce(&mut World)) -> Result<World, LabError> {
    let mut world = World::load(data_dir)?;
    change(&mut world);
    world.save(data_dir)?;
    Ok(world)
}
