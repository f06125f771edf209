//! The plan file: the desired configuration in TOML, kept in version control and edited by the
//! wizard. One model ([`SharingPlan`]), the file's shape beside it ([`document`]) and the rules
//! once ([`validate`]): a file's problems name file, line and column; a form's name the field.

use std::path::Path;

use fedshare_model::FreeBusyAccessLevel;

use crate::entries::SharingEntry;
use crate::error::{FilePosition, PlanError};

pub mod document;
pub mod validate;

pub use document::{
    PlanAutodiscover, PlanCertificate, PlanDns, PlanDocument, PlanDomains, PlanMailboxes,
    PlanPartners, PlanPolicy, PlanRelationship, PlanTrust,
};
pub(crate) use validate::{exact_domain, is_free_text, is_https_url, is_name, unified_thumbprint};
pub use validate::{validate, FieldProblem};

/// The validated desired state.
#[derive(Debug, Clone, PartialEq)]
pub struct SharingPlan {
    pub trust: TrustSpec,
    /// The primary shared domain: becomes the account namespace (OrgID).
    pub primary_domain: String,
    /// Further federated domains (`Add-FederatedDomain`), in file order.
    pub additional_domains: Vec<String>,
    pub relationships: Vec<RelationshipSpec>,
    pub policies: Vec<PolicySpec>,
    /// The `autodiscover.<domain>` CNAMEs the plan publishes and verifies.
    pub autodiscover: Vec<AutodiscoverSpec>,
    /// Federated domains whose Autodiscover record the administrator says is not needed.
    pub autodiscover_not_needed: Vec<AutodiscoverNotNeeded>,
    pub dns: DnsMode,
    /// Host names `Get-FederationInformation` may trust although they are not the partner's
    /// own (`-TrustedHostnames`): a partner reached through an unsecured HTTP redirect or a
    /// certificate naming another host. Without them Exchange asks for confirmation, which a
    /// non-interactive session cannot give.
    pub trusted_hostnames: Vec<String>,
}

/// Exchange's own "Autodiscover trusted hosters" (the `serviceBindingInformation` of the
/// `Microsoft Exchange Online` SCP): Exchange Online's hosts.
pub const DEFAULT_TRUSTED_HOSTNAMES: &[&str] = &["*.outlook.com"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustSpec {
    pub name: String,
    pub certificate: CertificateSpec,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateSpec {
    /// Create a self-signed federation certificate (§3.1).
    New,
    /// Use a certificate already in `LocalMachine\My` (spaces removed, upper-case).
    Thumbprint(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationshipSpec {
    pub name: String,
    pub domains: Vec<String>,
    pub free_busy_enabled: bool,
    pub access_level: FreeBusyAccessLevel,
    pub scope_group: Option<String>,
    pub enabled: bool,
    /// Absent: taken from partner discovery (GetFederationInformation).
    pub target_application_uri: Option<String>,
    pub target_autodiscover_epr: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySpec {
    pub name: String,
    pub entries: Vec<SharingEntry>,
    /// True: make it the organization default. False: leave the default as it is.
    pub default: bool,
    pub enabled: bool,
    pub mailboxes: MailboxSelection,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailboxSelection {
    /// Assign to no mailbox (the default when the key is absent).
    None,
    All,
    List(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutodiscoverSpec {
    /// The domain whose `autodiscover.<domain>` CNAME is managed.
    pub domain: String,
    /// The Internet-facing Client Access host.
    pub target: String,
}

/// A federated domain without its own Autodiscover record, and why (partners reach it
/// through another domain's record, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutodiscoverNotNeeded {
    pub domain: String,
    pub reason: String,
}

/// What the plan says about one federated domain's Autodiscover record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutodiscoverRecord<'a> {
    Cname(&'a AutodiscoverSpec),
    NotNeeded(&'a AutodiscoverNotNeeded),
}

impl AutodiscoverSpec {
    pub fn record_name(&self) -> String {
        format!("autodiscover.{}", self.domain)
    }
}

/// The zone among `zones` that holds `name`: the longest one it equals or lies below.
pub fn zone_of<'a>(zones: &'a [String], name: &str) -> Option<&'a str> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    zones
        .iter()
        .filter(|z| name == **z || name.ends_with(&format!(".{z}")))
        .max_by_key(|z| z.len())
        .map(String::as_str)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsMode {
    /// Fedshare shows the records and waits until they resolve; the administrator creates them.
    Manual,
    /// Fedshare publishes them with TSIG-signed RFC 2136 updates (the secret is in the keychain).
    Rfc2136 { server: String, key_name: String },
    /// Fedshare publishes them in Windows DNS Server with the DnsServer cmdlets, through the
    /// same PowerShell host as Exchange's, in these zones only (every record lies in one).
    Windows {
        /// The DNS server to change (`-ComputerName`); the host's own computer when `None`.
        server: Option<String>,
        zones: Vec<String>,
    },
    /// DNS is managed elsewhere: no DNS steps, no waiting.
    None,
}

impl SharingPlan {
    pub fn from_file(path: &Path) -> Result<SharingPlan, PlanError> {
        let text = std::fs::read_to_string(path).map_err(|source| PlanError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parses and validates plan text; `file` is only used in error positions. Every
    /// problem is reported, the first with its position in the error, the rest after it.
    pub fn parse(text: &str, file: &str) -> Result<SharingPlan, PlanError> {
        let loc = Locator { file, text };
        let doc: PlanDocument = toml::from_str(text).map_err(|e| PlanError::Syntax {
            at: loc.at(e.span().map_or(0, |s| s.start)),
            expected: e.message().trim().to_owned(),
        })?;
        validate(&doc).map_err(|problems| loc.invalid(&problems))
    }

    /// Every federated domain, primary first.
    pub fn federated_domains(&self) -> Vec<String> {
        std::iter::once(self.primary_domain.clone())
            .chain(self.additional_domains.iter().cloned())
            .collect()
    }

    /// The owner names of the records the plan publishes: each federated domain's proof TXT
    /// and each Autodiscover CNAME.
    pub fn record_names(&self) -> Vec<String> {
        self.federated_domains()
            .into_iter()
            .chain(self.autodiscover.iter().map(AutodiscoverSpec::record_name))
            .collect()
    }

    /// What the plan says about each Autodiscover record: the CNAMEs, then those not needed.
    pub fn autodiscover_records(&self) -> impl Iterator<Item = AutodiscoverRecord<'_>> {
        self.autodiscover
            .iter()
            .map(AutodiscoverRecord::Cname)
            .chain(
                self.autodiscover_not_needed
                    .iter()
                    .map(AutodiscoverRecord::NotNeeded),
            )
    }

    /// Federated domains the plan says nothing about for Autodiscover (neither a CNAME nor a
    /// reason it is not needed): partners may not find them.
    pub fn autodiscover_unplanned(&self) -> Vec<String> {
        self.federated_domains()
            .into_iter()
            .filter(|d| {
                !self.autodiscover.iter().any(|a| &a.domain == d)
                    && !self.autodiscover_not_needed.iter().any(|n| &n.domain == d)
            })
            .collect()
    }

    /// The file form, for the wizard to save what the administrator edited.
    pub fn to_toml(&self) -> String {
        self.document().to_toml()
    }

    /// The plan in the file's shape, for the wizard's forms.
    pub fn document(&self) -> PlanDocument {
        PlanDocument::from(self)
    }
}

/// Turns a field's path into a file position (1-based line and column; columns count
/// characters, not bytes).
struct Locator<'a> {
    file: &'a str,
    text: &'a str,
}

impl Locator<'_> {
    fn at(&self, offset: usize) -> FilePosition {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        FilePosition {
            file: self.file.to_owned(),
            line,
            column: before[line_start..].chars().count() + 1,
        }
    }

    /// The deepest item of `field` (`policy[0].entries[2]`) the text holds: the value itself,
    /// or the table that lacks the key.
    fn offset_of(&self, field: &str) -> usize {
        let Ok(doc) = toml_edit::Document::parse(self.text) else {
            return 0;
        };
        let mut item = doc.as_item();
        let mut offset = 0;
        for segment in path_segments(field) {
            let next = match segment {
                Segment::Key(k) => item.get(k),
                Segment::Index(i) => item.get(i),
            };
            let Some(next) = next else { break };
            if let Some(span) = next.span() {
                offset = span.start;
            }
            item = next;
        }
        offset
    }

    fn invalid(&self, problems: &[FieldProblem]) -> PlanError {
        let mut located: Vec<(FilePosition, &str)> = problems
            .iter()
            .map(|p| (self.at(self.offset_of(&p.field)), p.message.as_str()))
            .collect();
        located.sort_by_key(|(at, _)| (at.line, at.column));
        let mut expected = located
            .first()
            .map_or_else(String::new, |(_, m)| (*m).to_owned());
        for (at, message) in located.iter().skip(1) {
            expected.push_str(&format!(" Also {}:{}: {message}", at.line, at.column));
        }
        PlanError::Invalid {
            at: located
                .first()
                .map_or_else(|| self.at(0), |(at, _)| at.clone()),
            expected,
        }
    }
}

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// `relationship[0].domains[1]` → relationship, 0, domains, 1.
fn path_segments(field: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    for part in field.split('.') {
        let mut pieces = part.split('[');
        if let Some(key) = pieces.next().filter(|k| !k.is_empty()) {
            out.push(Segment::Key(key));
        }
        for index in pieces {
            if let Ok(i) = index.trim_end_matches(']').parse() {
                out.push(Segment::Index(i));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../../../examples/contoso-lab.toml");

    fn err(text: &str) -> (usize, usize, String) {
        match SharingPlan::parse(text, "p.toml") {
            Err(PlanError::Syntax { at, expected } | PlanError::Invalid { at, expected }) => {
                assert_eq!(at.file, "p.toml");
                (at.line, at.column, expected)
            }
            other => panic!("expected a positioned error, got {other:?}"),
        }
    }

    const HEAD: &str =
        "[trust]\nname = \"T\"\ncertificate = \"new\"\n[domains]\nprimary = \"contoso.com\"\n";

    #[test]
    fn the_example_plan_parses_and_round_trips() {
        let plan = SharingPlan::parse(EXAMPLE, "contoso-lab.toml").unwrap();
        assert_eq!(
            plan.federated_domains(),
            ["contoso.com", "sales.contoso.com"]
        );
        assert_eq!(plan.relationships.len(), 2);
        assert_eq!(
            plan.relationships[1].access_level,
            FreeBusyAccessLevel::AvailabilityOnly
        );
        assert_eq!(plan.relationships[0].target_application_uri, None);
        assert_eq!(
            plan.autodiscover[0].record_name(),
            "autodiscover.contoso.com"
        );
        assert!(matches!(plan.dns, DnsMode::Rfc2136 { .. }));
        let again = SharingPlan::parse(&plan.to_toml(), "saved.toml").unwrap();
        assert_eq!(again, plan);
        // The document travels as JSON to the wizard and comes back unchanged.
        let json = serde_json::to_string(&plan.document()).unwrap();
        let doc: PlanDocument = serde_json::from_str(&json).unwrap();
        assert_eq!(SharingPlan::parse(&doc.to_toml(), "form").unwrap(), plan);
    }

    #[test]
    fn windows_dns_mode_lists_the_zones_it_may_write_to() {
        let text = format!(
            "{HEAD}additional = [\"sales.contoso.com\"]\n[dns]\nmode = \"windows\"\nzones = [\"Contoso.com.\", \"sales.contoso.com\"]\n"
        );
        let plan = SharingPlan::parse(&text, "p.toml").unwrap();
        let DnsMode::Windows { server, zones } = &plan.dns else {
            panic!("{:?}", plan.dns);
        };
        assert_eq!(server, &None, "the host's own computer");
        assert_eq!(zones, &["contoso.com", "sales.contoso.com"]);
        // The longest listed zone holds a name.
        assert_eq!(
            zone_of(zones, "sales.contoso.com"),
            Some("sales.contoso.com")
        );
        assert_eq!(
            zone_of(zones, "autodiscover.contoso.com"),
            Some("contoso.com")
        );
        assert_eq!(zone_of(zones, "notcontoso.com"), None);
        assert_eq!(
            SharingPlan::parse(&plan.to_toml(), "saved.toml").unwrap(),
            plan
        );
        let with_server = |name: &str| {
            text.replace(
                "mode = \"windows\"",
                &format!("mode = \"windows\"\nserver = \"{name}\""),
            )
        };
        let named = SharingPlan::parse(&with_server("DC01"), "p.toml").unwrap();
        let DnsMode::Windows { server, .. } = named.dns else {
            panic!("{:?}", named.dns);
        };
        assert_eq!(server.as_deref(), Some("DC01"));
        let (_, _, expected) = err(&with_server("dc01; Remove-Item x"));
        assert!(expected.contains("a DNS server's name"), "{expected}");

        let (line, _, expected) = err(&format!("{HEAD}[dns]\nmode = \"windows\"\n"));
        assert_eq!(line, 6, "the [dns] table that lacks the key");
        assert!(expected.contains("zones with mode"), "{expected}");
        let (line, column, expected) = err(&format!(
            "{HEAD}[dns]\nmode = \"windows\"\nzones = [\"fabrikam.com\"]\n"
        ));
        assert_eq!((line, column), (8, 9));
        assert!(
            expected.contains("a zone that holds contoso.com"),
            "{expected}"
        );
    }

    #[test]
    fn a_document_without_sections_is_still_a_plan() {
        let doc: PlanDocument = serde_json::from_str(
            r#"{"trust":{"name":"T","certificate":"new"},"domains":{"primary":"contoso.com"},"dns":{"mode":"none"}}"#,
        )
        .unwrap();
        let plan = SharingPlan::parse(&doc.to_toml(), "form").unwrap();
        assert!(plan.relationships.is_empty());
        assert_eq!(plan.dns, DnsMode::None);
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let (line, column, expected) = err("[trust]\nname = \"T\"\ncertificate = \n");
        assert_eq!((line, column), (3, 15));
        assert!(!expected.is_empty());
        let (line, _, expected) = err(&format!("{HEAD}colour = \"red\"\n"));
        assert_eq!(line, 6);
        assert!(expected.contains("colour"), "{expected}");
    }

    #[test]
    fn semantic_errors_point_at_the_value() {
        let bad_level = format!("{HEAD}[[relationship]]\nname = \"F\"\ndomains = [\"fabrikam.com\"]\naccess_level = \"FullDetails\"\n");
        let (line, column, expected) = err(&bad_level);
        assert_eq!((line, column), (9, 16));
        assert!(expected.contains("AvailabilityOnly"));

        let bad_entry = format!("{HEAD}[[policy]]\nname = \"P\"\nentries = [\"a.com: CalendarSharingFreeBusySimple\", \"b.com: Everything\"]\n");
        let (line, column, expected) = err(&bad_entry);
        assert_eq!((line, column), (8, 52));
        assert!(
            expected.contains("SharingPolicyDomainInvalidAction"),
            "{expected}"
        );

        let wildcard = HEAD.replace("\"contoso.com\"", "\"*.contoso.com\"");
        let (line, column, _) = err(&wildcard);
        assert_eq!((line, column), (5, 11));

        let thumb = HEAD.replace("\"new\"", "{ thumbprint = \"12 34\" }");
        let (line, _, expected) = err(&thumb);
        assert_eq!(line, 3);
        assert!(expected.contains("40 hexadecimal"));

        let dup = format!("{HEAD}[[relationship]]\nname = \"A\"\ndomains = [\"x.com\"]\naccess_level = \"None\"\n[[relationship]]\nname = \"B\"\ndomains = [\"X.com\"]\naccess_level = \"None\"\n");
        let (line, column, _) = err(&dup);
        assert_eq!((line, column), (12, 12));

        let dns = format!("{HEAD}[dns]\nmode = \"rfc2136\"\n");
        let (line, _, expected) = err(&dns);
        assert_eq!(line, 6);
        assert!(expected.contains("server with mode"), "{expected}");
        assert!(expected.contains("key_name with mode"), "{expected}");
    }

    #[test]
    fn trusted_hostnames_default_to_exchanges_hosters_and_are_validated() {
        let plan = SharingPlan::parse(HEAD, "p.toml").unwrap();
        assert_eq!(plan.trusted_hostnames, ["*.outlook.com"]);
        // The default is not written back, so an untouched file is saved as it was.
        assert!(!plan.to_toml().contains("[partners]"), "{}", plan.to_toml());

        let text = format!(
            "{HEAD}[partners]\ntrusted_hostnames = [\"*.Outlook.com\", \"autodiscover.fabrikam-hosting.net.\"]\n"
        );
        let plan = SharingPlan::parse(&text, "p.toml").unwrap();
        assert_eq!(
            plan.trusted_hostnames,
            ["*.outlook.com", "autodiscover.fabrikam-hosting.net"]
        );
        assert_eq!(SharingPlan::parse(&plan.to_toml(), "saved").unwrap(), plan);
        let json = serde_json::to_string(&plan.document()).unwrap();
        let doc: PlanDocument = serde_json::from_str(&json).unwrap();
        assert_eq!(SharingPlan::parse(&doc.to_toml(), "form").unwrap(), plan);

        // An empty list trusts no other host (and is kept as such).
        let none = SharingPlan::parse(
            &format!("{HEAD}[partners]\ntrusted_hostnames = []\n"),
            "p.toml",
        )
        .unwrap();
        assert!(none.trusted_hostnames.is_empty());
        assert_eq!(SharingPlan::parse(&none.to_toml(), "saved").unwrap(), none);

        let (line, column, expected) = err(&format!(
            "{HEAD}[partners]\ntrusted_hostnames = [\"*.outlook.com\", \"http://x.com\"]\n"
        ));
        assert_eq!((line, column), (7, 39));
        assert!(expected.contains("*.outlook.com"), "{expected}");
        let (line, _, expected) = err(&format!(
            "{HEAD}[partners]\ntrusted_hostnames = [\"a.com\", \"A.com\"]\n"
        ));
        assert_eq!(line, 7);
        assert!(expected.contains("once"), "{expected}");
    }

    fn problems(doc: &PlanDocument) -> Vec<(String, String)> {
        validate(doc)
            .expect_err("an invalid document")
            .into_iter()
            .map(|p| (p.field, p.message))
            .collect()
    }

    #[test]
    fn a_document_reports_every_problem_under_its_field_in_words() {
        let mut doc = SharingPlan::parse(EXAMPLE, "contoso-lab.toml")
            .unwrap()
            .document();
        doc.trust.name = String::new();
        doc.domains.additional = vec!["sales.contoso.com".into(), "not a domain".into()];
        doc.relationship[1].access_level = "FullDetails".into();
        doc.relationship[1].domains[0] = "fabrikam.com".into();
        doc.policy[0].entries = vec![
            "fabrikam.com: CalendarSharingFreeBusyDetail".into(),
            "fabrikam.com: ContactsSharing".into(),
            "Anonymous: ContactsSharing".into(),
        ];
        let found = problems(&doc);
        let fields: Vec<&str> = found.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "trust.name",
                "domains.additional[1]",
                "relationship[1].domains[0]",
                "relationship[1].access_level",
                "policy[0].entries[1]",
                "policy[0].entries[2]",
            ]
        );
        assert_eq!(found[0].1, "Give a name of 1 to 64 characters.");
        assert!(found[2].1.contains("only one"), "{}", found[2].1);
        assert!(
            found[4].1.starts_with("SharingPolicyDuplicateDomain"),
            "{}",
            found[4].1
        );
        assert!(
            found[5]
                .1
                .starts_with("SharingPolicyDomainInvalidActionForAnonymous"),
            "{}",
            found[5].1
        );
        // No file path or TOML position in a form's words.
        assert!(found.iter().all(|(_, m)| !m.contains(".toml")), "{found:?}");

        // The file gets the same rules, the first positioned, the others after it.
        let text = doc.to_toml();
        let Err(PlanError::Invalid { at, expected }) = SharingPlan::parse(&text, "Lab.toml") else {
            panic!("an invalid file");
        };
        assert_eq!(at.line, 2, "{text}");
        assert_eq!(expected.matches(" Also ").count(), 5, "{expected}");
    }

    #[test]
    fn every_federated_domain_has_its_autodiscover_record_or_a_reason() {
        let example = SharingPlan::parse(EXAMPLE, "contoso-lab.toml").unwrap();
        assert!(example.autodiscover_unplanned().is_empty());
        let silent = format!("{HEAD}additional = [\"sales.contoso.com\"]\n");
        let plan = SharingPlan::parse(&silent, "p.toml").unwrap();
        assert_eq!(
            plan.autodiscover_unplanned(),
            ["contoso.com", "sales.contoso.com"]
        );

        let text = format!(
            "{HEAD}additional = [\"sales.contoso.com\"]\n[[autodiscover]]\ndomain = \"contoso.com\"\ntarget = \"mail.contoso.com\"\n[[autodiscover]]\ndomain = \"sales.contoso.com\"\nnot_needed = \"Partners name contoso.com; its answer lists sales.contoso.com\"\n"
        );
        let plan = SharingPlan::parse(&text, "p.toml").unwrap();
        assert!(plan.autodiscover_unplanned().is_empty());
        assert_eq!(plan.autodiscover.len(), 1, "only the CNAME is published");
        assert_eq!(plan.autodiscover_not_needed[0].domain, "sales.contoso.com");
        assert_eq!(SharingPlan::parse(&plan.to_toml(), "saved").unwrap(), plan);

        let mut doc = plan.document();
        doc.autodiscover[1].target = Some("mail.contoso.com".into());
        doc.autodiscover.push(PlanAutodiscover {
            domain: "fabrikam.com".into(),
            target: Some("mail.contoso.com".into()),
            not_needed: None,
        });
        doc.autodiscover[0].target = None;
        let found = problems(&doc);
        assert_eq!(
            found.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(),
            [
                "autodiscover[0].target",
                "autodiscover[1].not_needed",
                "autodiscover[2].domain"
            ]
        );
        assert!(found[2]
            .1
            .contains("not one of the plan's federated domains"));

        // Partners start at the primary domain: its record cannot be waived.
        let mut doc = example.document();
        doc.autodiscover[0].target = None;
        doc.autodiscover[0].not_needed = Some("no partner needs it".into());
        assert_eq!(
            problems(&doc),
            [(
                "autodiscover[0].not_needed".to_owned(),
                "Partners find the organization through its primary domain: autodiscover.contoso.com is always needed.".to_owned()
            )]
        );
    }

    #[test]
    fn sharing_entries_follow_new_sharing_policy() {
        let policy =
            |entries: &str| format!("{HEAD}[[policy]]\nname = \"P\"\nentries = [{entries}]\n");
        // The actions are a flags enum: two calendar levels for one domain parse, as
        // Exchange's SharingPolicyDomain.Parse accepts them; Meeting* only for Anonymous.
        for accepted in [
            "\"a.com: CalendarSharingFreeBusySimple, CalendarSharingFreeBusyDetail\"",
            "\"*: CalendarSharingFreeBusySimple\", \"Anonymous: CalendarSharingFreeBusyReviewer, MeetingFullDetailsWithAttendees\"",
            "\"a.com: ContactsSharing\"",
        ] {
            SharingPlan::parse(&policy(accepted), "p.toml").unwrap();
        }
        for (refused, exchange) in [
            (
                "\"a.com: MeetingLimitedDetails\"",
                "SharingPolicyDomainInvalidActionForDomain",
            ),
            (
                "\"Anonymous: ContactsSharing\"",
                "SharingPolicyDomainInvalidActionForAnonymous",
            ),
            ("\"a.com: Editor\"", "SharingPolicyDomainInvalidAction"),
            ("\"a.com\"", "SharingPolicyDomainInvalid"),
            (
                "\"a.com: ContactsSharing\", \"A.com: CalendarSharingFreeBusySimple\"",
                "SharingPolicyDuplicateDomain",
            ),
        ] {
            let (_, _, expected) = err(&policy(refused));
            assert!(expected.starts_with(exchange), "{refused}: {expected}");
        }
    }

    #[test]
    fn thumbprints_are_unified() {
        let text = HEAD.replace(
            "\"new\"",
            "{ thumbprint = \"ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01\" }",
        );
        let plan = SharingPlan::parse(&text, "p.toml").unwrap();
        assert_eq!(
            plan.trust.certificate,
            CertificateSpec::Thumbprint("ABCDEF0123456789ABCDEF0123456789ABCDEF01".into())
        );
        assert_eq!(plan.dns, DnsMode::Manual);
    }
}
