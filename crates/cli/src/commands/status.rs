//! `fedshare status`: the organization's federation state at a glance.

use std::fmt::Write;

use fedshare_engine::status;
use fedshare_model::OrgState;

use crate::args::Global;
use crate::output::{Outcome, Output};

pub async fn run(global: &Global) -> Outcome {
    let result = async {
        let session = super::session(global)?;
        let state = status::read(&session).await?;
        Ok::<_, fedshare_engine::EngineError>(Output::new(&state, render(&state)))
    }
    .await;
    Outcome::from(global.json, result)
}

fn render(s: &OrgState) -> String {
    let mut out = String::new();
    let lab = if s.is_lab { " [LAB]" } else { "" };
    let _ = writeln!(
        out,
        "Organization: {}{lab} ({})",
        s.organization_name, s.exchange_version
    );
    match &s.federation_trust {
        Some(t) => {
            let cert = t
                .org_certificate
                .as_ref()
                .map(|c| format!("{} (expires {})", c.thumbprint, c.not_after))
                .unwrap_or_else(|| "none".into());
            let _ = writeln!(out, "Federation trust: {}  certificate {cert}", t.name);
        }
        None => {
            let _ = writeln!(out, "Federation trust: none (step 1 creates it)");
        }
    }
    let oid = &s.organization_identifier;
    let _ = writeln!(
        out,
        "Organization identifier: {}  enabled: {}",
        oid.account_namespace.as_deref().unwrap_or("not set"),
        oid.enabled
    );
    for d in &oid.domains {
        let _ = writeln!(out, "  federated domain {}  {}", d.domain, d.state);
    }
    let _ = writeln!(
        out,
        "Organization relationships: {}",
        s.organization_relationships.len()
    );
    for r in &s.organization_relationships {
        let _ = writeln!(
            out,
            "  {}  [{}]  free/busy {}{}",
            r.name,
            r.domain_names.join(", "),
            r.free_busy_access_level,
            if r.enabled { "" } else { "  (disabled)" }
        );
    }
    let _ = writeln!(out, "Sharing policies: {}", s.sharing_policies.len());
    for p in &s.sharing_policies {
        let default = if p.default { "  (default)" } else { "" };
        let _ = writeln!(out, "  {}{default}  {}", p.name, p.domains.join("; "));
    }
    out
}
