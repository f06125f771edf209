//! Large organizations for the benchmark: Contoso federated, with `partners` organization
//! relationships and `mailboxes` mailboxes that all have the "Partners" sharing policy.
//!
//! The objects are the hand-written fixtures of `scenarios/` with names substituted (a
//! relationship from `relationship-fabrikam.xml`, a mailbox from `mailbox-alexw-fabrikam.xml`),
//! not the output of Fedshare's own CLIXML writer, so the benchmark reads the same shapes as
//! the tests. A scenario and a matching plan file are written to a folder.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::ReplayError;

const RELATIONSHIP: &str = include_str!("../scenarios/partners/relationship-fabrikam.xml");
const MAILBOX: &str = include_str!("../scenarios/partners/mailbox-alexw-fabrikam.xml");
const POLICY: &str = include_str!("../scenarios/partners/sharing-policy-fabrikam.xml");
/// What Test-OrganizationRelationship writes for a relationship that holds.
const TEST_RELATIONSHIP: [&str; 4] = [
    "Begin testing for organization relationship {name}, Enabled, with user {user}.",
    "STEP 1: Getting the local organization relationship... RESULT: Success.",
    "No Significant Issues to Report",
    "COMPLETE.",
];

/// The size of a generated organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub partners: usize,
    pub mailboxes: usize,
}

/// The files of one generated organization.
#[derive(Debug, Clone)]
pub struct Generated {
    pub scenario: PathBuf,
    pub plan: PathBuf,
    /// The mailbox verification tests with.
    pub test_user: String,
}

fn partner(i: usize) -> (String, String) {
    (format!("Partner {i:03}"), format!("partner{i:03}.example"))
}

fn mailbox_names(i: usize) -> (String, String) {
    (format!("User {i:05}"), format!("user{i:05}"))
}

fn relationship_doc(i: usize) -> String {
    let (name, domain) = partner(i);
    RELATIONSHIP
        .replace("Fabrikam", &name)
        .replace("fabrikam.com", &domain)
        .replace(
            "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d",
            &guid(0x5a6b_0000 + i),
        )
}

fn mailbox_doc(i: usize) -> String {
    let (display, alias) = mailbox_names(i);
    MAILBOX
        .replace("Alex Wilber", &display)
        .replace("alex.wilber", &alias)
        .replace("alexw", &alias)
        .replace("Fabrikam", "Partners")
        .replace(
            "6f1d2a3b-4c5e-4d7f-8a9b-0c1d2e3f4a51",
            &guid(0x6f1d_0000 + i),
        )
        .replace(
            "<I32 N=\"Length\">17</I32>",
            &format!(
                "<I32 N=\"Length\">{}</I32>",
                alias.len() + "@contoso.com".len()
            ),
        )
}

fn policy_doc(partners: usize) -> String {
    let entries: String = (1..=partners)
        .map(|i| {
            format!(
                "\n          <S>{}:CalendarSharingFreeBusySimple</S>",
                partner(i).1
            )
        })
        .collect();
    POLICY
        .replace(
            "\n          <S>fabrikam.com:CalendarSharingFreeBusyDetail, ContactsSharing</S>",
            &entries,
        )
        .replace("Fabrikam", "Partners")
}

fn test_relationship_docs(name: &str, user: &str) -> String {
    TEST_RELATIONSHIP
        .iter()
        .map(|line| {
            let text = line.replace("{name}", name).replace("{user}", user);
            format!(
                "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\n  <S>{text}</S>\n</Objs>\n"
            )
        })
        .collect()
}

fn guid(n: usize) -> String {
    format!("{n:08x}-0000-4000-8000-{n:012x}")
}

fn write(path: &Path, text: &str) -> Result<(), ReplayError> {
    std::fs::write(path, text).map_err(|source| ReplayError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Writes the scenario and the plan that matches it into `dir`.
pub fn write_organization(dir: &Path, size: Size) -> Result<Generated, ReplayError> {
    let common = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let fixture = |name: &str| format!("{:?}", common.join(name).display().to_string());
    let test_user = "user00001@contoso.com".to_owned();
    write(
        &dir.join("relationships.xml"),
        &(1..=size.partners)
            .map(relationship_doc)
            .collect::<String>(),
    )?;
    write(
        &dir.join("mailboxes.xml"),
        &(1..=size.mailboxes).map(mailbox_doc).collect::<String>(),
    )?;
    write(&dir.join("policy.xml"), &policy_doc(size.partners))?;

    let mut toml = String::from(
        "organization = \"Contoso\"\nexchange_version = \"Version 15.0 (Build 1497.2)\"\n\n[[phase]]\nname = \"generated\"\n",
    );
    let mut rule = |invoke: &str, answers: &[String]| {
        let _ = write!(
            toml,
            "\n[[phase.rule]]\ninvoke = {invoke:?}\nanswer = [{}]\n",
            answers.join(", ")
        );
    };
    let certs = [
        "certificate-iis.xml",
        "certificate-auth.xml",
        "certificate-federation.xml",
    ]
    .map(|c| fixture(&format!("common/{c}")));
    rule(
        "Get-AcceptedDomain",
        &[fixture("common/accepted-domains.xml")],
    );
    rule(
        "Get-FederationTrust",
        &[fixture("common/federation-trust.xml")],
    );
    rule(
        "Get-FederatedOrganizationIdentifier -IncludeExtendedDomainInfo",
        &[fixture("federated/orgid-extended.xml")],
    );
    rule(
        "Get-FederatedOrganizationIdentifier",
        &[fixture("federated/orgid.xml")],
    );
    rule(
        "Get-OrganizationRelationship",
        &["\"relationships.xml\"".into()],
    );
    rule(
        "Get-SharingPolicy",
        &[
            fixture("common/sharing-policy-default.xml"),
            "\"policy.xml\"".into(),
        ],
    );
    rule("Get-ExchangeCertificate", &certs);
    for (domain, file) in [
        ("contoso.com", "proof-contoso.xml"),
        ("sales.contoso.com", "proof-sales.xml"),
    ] {
        rule(
            &format!("Get-FederatedDomainProof -DomainName '{domain}'"),
            &[fixture(&format!("common/{file}"))],
        );
    }
    rule(
        "Get-ExchangeServer",
        &[fixture("common/exchange-server.xml")],
    );
    rule(
        "Get-AutodiscoverVirtualDirectory -Server 'EX01'",
        &[fixture("common/vdir-autodiscover.xml")],
    );
    rule(
        "Get-WebServicesVirtualDirectory -Server 'EX01'",
        &[fixture("common/vdir-ews.xml")],
    );
    rule(
        "Get-AutodiscoverVirtualDirectory",
        &[fixture("common/vdir-autodiscover.xml")],
    );
    rule(
        "Get-WebServicesVirtualDirectory",
        &[fixture("common/vdir-ews.xml")],
    );
    rule(
        &format!("Test-FederationTrust -UserIdentity '{test_user}'"),
        &[fixture("common/test-federation-trust.xml")],
    );
    rule(
        "Test-FederationTrustCertificate",
        &[fixture("common/test-federation-trust-certificate.xml")],
    );
    rule("Get-Mailbox", &["\"mailboxes.xml\"".into()]);
    rule(
        "Get-Mailbox -ResultSize 'Unlimited'",
        &["\"mailboxes.xml\"".into()],
    );
    for i in 1..=size.partners {
        let (name, _) = partner(i);
        let file = format!("test-relationship-{i:03}.xml");
        write(&dir.join(&file), &test_relationship_docs(&name, &test_user))?;
        rule(
            &format!(
                "Test-OrganizationRelationship -Identity '{name}' -UserIdentity '{test_user}'"
            ),
            &[format!("{file:?}")],
        );
    }
    let scenario = dir.join("scenario.toml");
    write(&scenario, &toml)?;
    let plan = dir.join("plan.toml");
    write(&plan, &plan_toml(size))?;
    Ok(Generated {
        scenario,
        plan,
        test_user,
    })
}

/// The plan the generated organization already satisfies: planning finds nothing to do, so
/// `plan` and `verify` measure reading, not writing.
fn plan_toml(size: Size) -> String {
    let mut out = String::from(
        "[trust]\nname = \"Microsoft Federation Gateway\"\ncertificate = { thumbprint = \"8A3D2C1B0F9E8D7C6B5A49382716F5E4D3C2B1A0\" }\n\n[domains]\nprimary = \"contoso.com\"\nadditional = [\"sales.contoso.com\"]\n",
    );
    for i in 1..=size.partners {
        let (name, domain) = partner(i);
        let _ = write!(
            out,
            "\n[[relationship]]\nname = \"{name}\"\ndomains = [\"{domain}\"]\nfree_busy_enabled = true\naccess_level = \"AvailabilityOnly\"\nenabled = true\ntarget_application_uri = \"FYDIBOHF25SPDLT.{domain}\"\ntarget_autodiscover_epr = \"https://autodiscover.{domain}/autodiscover/autodiscover.svc/WSSecurity\"\n"
        );
    }
    let entries: Vec<String> = (1..=size.partners)
        .map(|i| format!("\"{}: CalendarSharingFreeBusySimple\"", partner(i).1))
        .collect();
    let _ = write!(
        out,
        "\n[[policy]]\nname = \"Partners\"\nentries = [{}]\ndefault = false\nenabled = true\nmailboxes = \"all\"\n\n[dns]\nmode = \"none\"\n",
        entries.join(", ")
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_organization_loads_as_a_scenario() {
        let dir = tempfile_dir();
        let g = write_organization(
            &dir,
            Size {
                partners: 3,
                mailboxes: 4,
            },
        )
        .expect("written");
        let s = crate::Scenario::load(&g.scenario).expect("loads");
        let rule = s.find(0, "Get-Mailbox").expect("mailboxes");
        match &rule.reply {
            crate::scenario::Reply::Output(docs) => {
                assert_eq!(docs.len(), 4);
                assert!(docs[3].contains("user00004@contoso.com"));
                assert!(docs[3].contains("<ToString>Partners</ToString>"));
            }
            other => panic!("{other:?}"),
        }
        assert!(s
            .find(0, "Test-OrganizationRelationship -Identity 'Partner 003' -UserIdentity 'user00001@contoso.com'")
            .is_some());
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("fedshare-replay-gen-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        dir
    }
}
