//! The plan's rules (Exchange's and the file format's), once, over the file's shape: a
//! [`PlanDocument`] becomes a [`SharingPlan`] or every problem at once, each keyed by the
//! path of its field (`relationship[0].domains[1]`). The file reader turns a path into a
//! line and column; the wizard shows the words under the field.

use fedshare_model::FreeBusyAccessLevel;
use serde::Serialize;
use ts_rs::TS;

use super::document::{PlanCertificate, PlanDns, PlanDocument, PlanMailboxes, PlanPolicy};
use super::{
    zone_of, AutodiscoverNotNeeded, AutodiscoverSpec, CertificateSpec, DnsMode, MailboxSelection,
    PolicySpec, RelationshipSpec, SharingPlan, TrustSpec,
};
use crate::entries::{EntryError, SharingEntry};

/// One broken rule: the field (its path in the document, as the form and the file name it)
/// and what is wrong, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FieldProblem {
    /// `trust.name`, `domains.additional[1]`, `policy[0].entries[2]`, `dns.zones`…
    pub field: String,
    pub message: String,
}

/// Validates the whole document; `Err` holds every problem, in document order.
pub fn validate(doc: &PlanDocument) -> Result<SharingPlan, Vec<FieldProblem>> {
    let mut v = Validator::default();
    let plan = v.plan(doc);
    match plan {
        Some(plan) if v.problems.is_empty() => Ok(plan),
        _ => Err(v.problems),
    }
}

#[derive(Default)]
struct Validator {
    problems: Vec<FieldProblem>,
}

impl Validator {
    fn fail<T>(&mut self, field: impl Into<String>, message: impl Into<String>) -> Option<T> {
        self.problems.push(FieldProblem {
            field: field.into(),
            message: message.into(),
        });
        None
    }

    fn plan(&mut self, doc: &PlanDocument) -> Option<SharingPlan> {
        let trust = self.trust(doc);
        let primary = self.domain("domains.primary", &doc.domains.primary);
        let additional = self.additional(doc, primary.as_deref());
        let relationships = self.relationships(doc);
        let policies = self.policies(doc);
        let federated: Vec<String> = primary.iter().chain(&additional).cloned().collect();
        let (autodiscover, not_needed) = self.autodiscover(doc, &federated);
        let dns = self.dns(&doc.dns);
        let trusted_hostnames = match &doc.partners {
            None => super::DEFAULT_TRUSTED_HOSTNAMES
                .iter()
                .map(|h| (*h).to_owned())
                .collect(),
            Some(p) => self.trusted_hostnames(&p.trusted_hostnames),
        };
        let plan = SharingPlan {
            trust: trust?,
            primary_domain: primary?,
            additional_domains: additional,
            relationships,
            policies,
            autodiscover,
            autodiscover_not_needed: not_needed,
            dns: dns?,
            trusted_hostnames,
        };
        self.zones_hold_every_record(&plan)?;
        Some(plan)
    }

    fn trust(&mut self, doc: &PlanDocument) -> Option<TrustSpec> {
        let name = self.name("trust.name", &doc.trust.name);
        let certificate = match &doc.trust.certificate {
            PlanCertificate::Keyword(k) if k == "new" => Some(CertificateSpec::New),
            PlanCertificate::Keyword(_) => self.fail(
                "trust.certificate",
                "Choose \"new\" (a new self-signed certificate) or give a thumbprint.",
            ),
            PlanCertificate::Thumbprint { thumbprint } => match unified_thumbprint(thumbprint) {
                Some(t) => Some(CertificateSpec::Thumbprint(t)),
                None => self.fail(
                    "trust.certificate",
                    "A thumbprint is 40 hexadecimal digits (spaces are allowed).",
                ),
            },
        };
        Some(TrustSpec {
            name: name?,
            certificate: certificate?,
        })
    }

    fn additional(&mut self, doc: &PlanDocument, primary: Option<&str>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (i, d) in doc.domains.additional.iter().enumerate() {
            let field = format!("domains.additional[{i}]");
            let Some(d) = self.domain(&field, d) else {
                continue;
            };
            if Some(d.as_str()) == primary || out.contains(&d) {
                self.fail::<()>(
                    field,
                    format!("{d} is listed twice; list each federated domain once."),
                );
                continue;
            }
            out.push(d);
        }
        out
    }

    fn relationships(&mut self, doc: &PlanDocument) -> Vec<RelationshipSpec> {
        let mut out: Vec<RelationshipSpec> = Vec::new();
        let mut claimed: Vec<String> = Vec::new();
        for (i, r) in doc.relationship.iter().enumerate() {
            let at = |key: &str| format!("relationship[{i}].{key}");
            let name = self.name(&at("name"), &r.name);
            if let Some(n) = &name {
                if out.iter().any(|o| o.name.eq_ignore_ascii_case(n)) {
                    self.fail::<()>(
                        at("name"),
                        format!(
                            "Another relationship is already named {n}; give each a unique name."
                        ),
                    );
                }
            }
            if r.domains.is_empty() || r.domains.len() > 238 {
                self.fail::<()>(at("domains"), "List between 1 and 238 partner domains.");
            }
            let mut domains = Vec::new();
            for (j, d) in r.domains.iter().enumerate() {
                let field = format!("relationship[{i}].domains[{j}]");
                let Some(d) = self.domain(&field, d) else {
                    continue;
                };
                // A domain may belong to only one relationship (DuplicateOrganizationRelationshipDomainException).
                if claimed.contains(&d) {
                    self.fail::<()>(field, format!("{d} already belongs to a relationship; a partner domain can be in only one."));
                    continue;
                }
                claimed.push(d.clone());
                domains.push(d);
            }
            let access_level = match r.access_level.as_str() {
                "None" => Some(FreeBusyAccessLevel::None),
                "AvailabilityOnly" => Some(FreeBusyAccessLevel::AvailabilityOnly),
                "LimitedDetails" => Some(FreeBusyAccessLevel::LimitedDetails),
                _ => self.fail(
                    at("access_level"),
                    "Choose one of None, AvailabilityOnly, LimitedDetails.",
                ),
            };
            let scope_group = r
                .scope_group
                .as_ref()
                .map(|g| self.free_text(&at("scope_group"), g));
            let target_application_uri = r
                .target_application_uri
                .as_ref()
                .map(|u| self.free_text(&at("target_application_uri"), u));
            let target_autodiscover_epr = r
                .target_autodiscover_epr
                .as_ref()
                .map(|e| self.https_url(&at("target_autodiscover_epr"), e));
            let (Some(name), Some(access_level)) = (name, access_level) else {
                continue;
            };
            out.push(RelationshipSpec {
                name,
                domains,
                free_busy_enabled: r.free_busy_enabled,
                access_level,
                scope_group: scope_group.flatten(),
                enabled: r.enabled,
                target_application_uri: target_application_uri.flatten(),
                target_autodiscover_epr: target_autodiscover_epr.flatten(),
            });
        }
        out
    }

    fn policies(&mut self, doc: &PlanDocument) -> Vec<PolicySpec> {
        let mut out: Vec<PolicySpec> = Vec::new();
        let mut defaults = 0;
        for (i, p) in doc.policy.iter().enumerate() {
            let at = |key: &str| format!("policy[{i}].{key}");
            let name = self.name(&at("name"), &p.name);
            if let Some(n) = &name {
                if out.iter().any(|o| o.name.eq_ignore_ascii_case(n)) {
                    self.fail::<()>(
                        at("name"),
                        format!("Another policy is already named {n}; give each a unique name."),
                    );
                }
            }
            if p.default {
                defaults += 1;
                if defaults > 1 {
                    self.fail::<()>(
                        at("default"),
                        "Only one policy can be the organization's default.",
                    );
                }
            }
            let entries = self.entries(i, p);
            let mailboxes = self.mailboxes(&at("mailboxes"), p);
            if let (Some(name), Some(mailboxes)) = (name, mailboxes) {
                out.push(PolicySpec {
                    name,
                    entries,
                    default: p.default,
                    enabled: p.enabled,
                    mailboxes,
                });
            }
        }
        out
    }

    /// Each entry as New-SharingPolicy -Domains parses it, then each domain once per policy.
    fn entries(&mut self, i: usize, p: &PlanPolicy) -> Vec<SharingEntry> {
        if p.entries.is_empty() {
            self.fail::<()>(
                format!("policy[{i}].entries"),
                "Add at least one entry (a domain and what it may see).",
            );
        }
        let mut out: Vec<SharingEntry> = Vec::new();
        for (j, text) in p.entries.iter().enumerate() {
            let field = format!("policy[{i}].entries[{j}]");
            match SharingEntry::parse(text) {
                Ok(e) if out.iter().any(|o| o.domain == e.domain) => {
                    let dup = EntryError::Duplicate(e.domain.text().to_owned());
                    self.fail::<()>(field, dup.to_string());
                }
                Ok(e) => out.push(e),
                Err(e) => {
                    self.fail::<()>(field, e.to_string());
                }
            }
        }
        out
    }

    fn mailboxes(&mut self, field: &str, p: &PlanPolicy) -> Option<MailboxSelection> {
        match &p.mailboxes {
            None => Some(MailboxSelection::None),
            Some(PlanMailboxes::Keyword(k)) if k == "all" => Some(MailboxSelection::All),
            Some(PlanMailboxes::Keyword(_)) => {
                self.fail(field, "Choose \"all\" or list the mailboxes.")
            }
            Some(PlanMailboxes::List(list)) if list.iter().any(|s| s.trim().is_empty()) => {
                self.fail(field, "A mailbox identity cannot be empty.")
            }
            Some(PlanMailboxes::List(list)) => Some(MailboxSelection::List(list.clone())),
        }
    }

    /// Each federated domain once, either with its CNAME's target or with the reason it
    /// needs none.
    fn autodiscover(
        &mut self,
        doc: &PlanDocument,
        federated: &[String],
    ) -> (Vec<AutodiscoverSpec>, Vec<AutodiscoverNotNeeded>) {
        let mut planned = Vec::new();
        let mut not_needed = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for (i, a) in doc.autodiscover.iter().enumerate() {
            let at = |key: &str| format!("autodiscover[{i}].{key}");
            let Some(domain) = self.domain(&at("domain"), &a.domain) else {
                continue;
            };
            if seen.contains(&domain) {
                self.fail::<()>(
                    at("domain"),
                    format!("{domain} is listed twice; give each domain one Autodiscover entry."),
                );
                continue;
            }
            seen.push(domain.clone());
            if !federated.is_empty() && !federated.contains(&domain) {
                self.fail::<()>(at("domain"), format!("{domain} is not one of the plan's federated domains ({}); partners look up Autodiscover only for those.", federated.join(", ")));
                continue;
            }
            let reason = a
                .not_needed
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty());
            match (&a.target, reason) {
                (Some(_), Some(_)) => {
                    self.fail::<()>(at("not_needed"), "Either give the CNAME's target or say why the record is not needed, not both.");
                }
                (Some(t), None) => {
                    if let Some(target) = self.hostname(&at("target"), t) {
                        planned.push(AutodiscoverSpec { domain, target });
                    }
                }
                (None, Some(_)) if federated.first() == Some(&domain) => {
                    self.fail::<()>(at("not_needed"), format!("Partners find the organization through its primary domain: autodiscover.{domain} is always needed."));
                }
                (None, Some(reason)) => {
                    if self.free_text(&at("not_needed"), reason).is_some() {
                        not_needed.push(AutodiscoverNotNeeded {
                            domain,
                            reason: reason.to_owned(),
                        });
                    }
                }
                (None, None) => {
                    self.fail::<()>(at("target"), "Give the Internet-facing Client Access host, such as mail.contoso.com, or say why the record is not needed.");
                }
            }
        }
        (planned, not_needed)
    }

    fn dns(&mut self, raw: &PlanDns) -> Option<DnsMode> {
        let filled = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        match raw.mode.as_str() {
            "manual" => Some(DnsMode::Manual),
            "none" => Some(DnsMode::None),
            "rfc2136" => {
                let server = filled(&raw.server);
                let key_name = filled(&raw.key_name);
                if server.is_none() {
                    self.fail::<()>("dns.server", "Give the DNS server that takes the updates (server with mode \"rfc2136\").");
                }
                if key_name.is_none() {
                    self.fail::<()>(
                        "dns.key_name",
                        "Give the TSIG key's name (key_name with mode \"rfc2136\").",
                    );
                }
                Some(DnsMode::Rfc2136 {
                    server: server?,
                    key_name: key_name?,
                })
            }
            "windows" => self.windows_dns(raw),
            _ => self.fail(
                "dns.mode",
                "Choose one of \"manual\", \"rfc2136\", \"windows\", \"none\".",
            ),
        }
    }

    fn windows_dns(&mut self, raw: &PlanDns) -> Option<DnsMode> {
        let Some(listed) = &raw.zones else {
            return self.fail(
                "dns.zones",
                "List the Windows DNS zones Fedshare may write to (zones with mode \"windows\").",
            );
        };
        let mut zones = Vec::new();
        for (i, zone) in listed.iter().enumerate() {
            if let Some(z) = self.domain(&format!("dns.zones[{i}]"), zone) {
                zones.push(z);
            }
        }
        if listed.is_empty() {
            self.fail::<()>("dns.zones", "List at least one zone, such as contoso.com.");
        }
        let server = raw
            .server
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        if server.is_some_and(|s| !is_dns_name(s)) {
            self.fail::<()>("dns.server", "Give a DNS server's name, such as dc01 or dc01.contoso.com (or none for this computer).");
        }
        (zones.len() == listed.len() && !zones.is_empty()).then(|| DnsMode::Windows {
            server: server.map(str::to_owned),
            zones,
        })
    }

    fn zones_hold_every_record(&mut self, plan: &SharingPlan) -> Option<()> {
        let DnsMode::Windows { zones, .. } = &plan.dns else {
            return Some(());
        };
        match plan
            .record_names()
            .into_iter()
            .find(|n| zone_of(zones, n).is_none())
        {
            Some(outside) => self.fail(
                "dns.zones",
                format!("List a zone that holds {outside}: Fedshare writes only to the zones listed here."),
            ),
            None => Some(()),
        }
    }

    /// Host names as `-TrustedHostnames` takes them: `host.domain` or `*.domain` (which
    /// matches the domain and every host below it), each once.
    fn trusted_hostnames(&mut self, list: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (i, h) in list.iter().enumerate() {
            let field = format!("partners.trusted_hostnames[{i}]");
            let v = h.trim().trim_end_matches('.').to_ascii_lowercase();
            let bare = v.strip_prefix("*.").unwrap_or(&v);
            if !is_hostname(bare) {
                self.fail::<()>(field, "Give a host name such as autodiscover.fabrikam.com, or *.outlook.com for every host of a domain.");
            } else if out.contains(&v) {
                self.fail::<()>(field, format!("{v} is listed twice; list it once."));
            } else {
                out.push(v);
            }
        }
        out
    }

    fn name(&mut self, field: &str, value: &str) -> Option<String> {
        let v = value.trim();
        if v.is_empty() || v.chars().count() > 64 {
            return self.fail(field, "Give a name of 1 to 64 characters.");
        }
        self.free_text(field, v)
    }

    /// Free text: no control characters, no leading `<` (reserved for placeholders).
    fn free_text(&mut self, field: &str, value: &str) -> Option<String> {
        if is_free_text(value) {
            Some(value.trim().to_owned())
        } else {
            self.fail(
                field,
                "Give a value without control characters that does not start with <.",
            )
        }
    }

    fn domain(&mut self, field: &str, value: &str) -> Option<String> {
        if value.trim().starts_with("*.") {
            return self.fail(
                field,
                "Give an exact domain: wildcard domains cannot be federated.",
            );
        }
        match exact_domain(value) {
            Some(d) => Some(d),
            None => self.fail(field, "Give a domain name such as contoso.com."),
        }
    }

    fn hostname(&mut self, field: &str, value: &str) -> Option<String> {
        let v = value.trim().trim_end_matches('.').to_ascii_lowercase();
        if is_hostname(&v) {
            Some(v)
        } else {
            self.fail(field, "Give a host name such as mail.contoso.com.")
        }
    }

    fn https_url(&mut self, field: &str, value: &str) -> Option<String> {
        if is_https_url(value) {
            Some(value.trim().to_owned())
        } else {
            self.fail(field, "Give an https:// URL such as https://autodiscover.fabrikam.com/autodiscover/autodiscover.svc/WSSecurity.")
        }
    }
}

/// A thumbprint as the file stores it: Exchange accepts thumbprints with spaces and removes
/// them (UnifyThumbprintFormat); 40 hexadecimal digits, upper case.
pub(crate) fn unified_thumbprint(text: &str) -> Option<String> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    (t.len() == 40 && t.chars().all(|c| c.is_ascii_hexdigit())).then(|| t.to_ascii_uppercase())
}

/// Whether the file accepts `v` (trimmed) as a name: free text of 1 to 64 characters.
pub(crate) fn is_name(v: &str) -> bool {
    v.trim().chars().count() <= 64 && is_free_text(v)
}

/// Whether the file accepts `v` (trimmed) as free text.
pub(crate) fn is_free_text(v: &str) -> bool {
    let v = v.trim();
    !v.is_empty() && !v.starts_with('<') && !v.chars().any(char::is_control)
}

fn is_hostname(v: &str) -> bool {
    v.contains('.') && is_dns_name(v)
}

/// Labels of letters, digits and inner hyphens: a host name, or a computer's short name.
fn is_dns_name(v: &str) -> bool {
    v.len() <= 253
        && v.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

/// `v` as the file stores an exact domain (trimmed, no final dot, lower case), if it is one.
pub(crate) fn exact_domain(v: &str) -> Option<String> {
    let v = v.trim().trim_end_matches('.').to_ascii_lowercase();
    is_hostname(&v).then_some(v)
}

/// Whether the file accepts `v` (trimmed) as an https:// URL with a host name.
pub(crate) fn is_https_url(v: &str) -> bool {
    let v = v.trim();
    let host = v
        .strip_prefix("https://")
        .and_then(|rest| rest.split('/').next())
        .filter(|h| is_hostname(&h.to_ascii_lowercase()));
    host.is_some() && !v.chars().any(char::is_whitespace)
}
