//! The served zones as a handle the lab keeps, to replace them while the server runs (the
//! lab does when what it serves changes without a DNS update, e.g. a break turned on).

use std::sync::{Arc, MutexGuard};

use super::handler::DnsHandler;
use crate::error::LabNetError;
use crate::zone::ZoneData;

/// The zones a running lab DNS server serves. Clones share the server.
#[derive(Debug, Clone)]
pub struct ServedZones(Arc<DnsHandler>);

/// Dynamic updates held off (see [`ServedZones::hold_updates`]); they resume on drop.
#[must_use = "updates resume as soon as the guard is dropped"]
pub struct UpdatesHeld<'a> {
    handler: &'a DnsHandler,
    _held: MutexGuard<'a, ()>,
}

impl std::fmt::Debug for UpdatesHeld<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpdatesHeld").finish_non_exhaustive()
    }
}

impl ServedZones {
    pub(crate) fn new(handler: Arc<DnsHandler>) -> Self {
        ServedZones(handler)
    }

    /// The zones as currently served.
    pub fn snapshot(&self) -> Vec<ZoneData> {
        self.0.snapshot()
    }

    /// Waits for the update being applied (if any) and keeps the next from starting until the
    /// guard drops. Every applied update has then been reported to `on_change`, so the caller
    /// can take those in and [`UpdatesHeld::replace`] the zones with no update in between,
    /// none of them lost. Never call it from an `on_change` hook: that runs inside the hold.
    pub fn hold_updates(&self) -> UpdatesHeld<'_> {
        UpdatesHeld {
            handler: &self.0,
            _held: self.0.hold_updates(),
        }
    }
}

impl UpdatesHeld<'_> {
    /// Serves `zones` from now on, all or nothing. Zones without an SOA keep the one they
    /// were served with, its serial moved on when their records changed.
    pub fn replace(&self, zones: Vec<ZoneData>) -> Result<(), LabNetError> {
        self.handler.replace_zones(zones)
    }
}
