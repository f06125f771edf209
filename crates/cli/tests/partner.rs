//! `fedshare partner info` through the real binary against the lab's partners: their DNS and
//! HTTPS Autodiscover endpoints, reached the way Exchange reaches them.

mod common;

use common::{fedshare, json, succeed};

#[test]
fn partner_info_shows_what_a_relationship_needs_and_names_a_missing_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    succeed(d, &["lab", "init"]);

    let out = succeed(d, &["partner", "info", "fabrikam.com"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("TargetApplicationUri : FYDIBOHF25SPDLT.fabrikam.com"),
        "{text}"
    );
    assert!(
        text.contains("/autodiscover/autodiscover.svc/WSSecurity"),
        "{text}"
    );
    // The partner's server dated its answer: the lab's clocks agree with this computer's.
    assert!(
        text.lines()
            .any(|l| l.starts_with("Server clock         : ")
                && l.contains(" s against this computer")),
        "{text}"
    );

    let out = succeed(d, &["--json", "partner", "info", "adatum.com"]);
    let adatum = json(&out);
    assert_eq!(
        adatum["result"]["targetApplicationUri"], "outlook.com",
        "{adatum}"
    );
    let out = succeed(d, &["partner", "info", "adatum.com"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Hosted in Exchange Online (worldwide): organization relationships"),
        "{text}"
    );
    let offset = adatum["clockOffsetSeconds"]
        .as_i64()
        .expect("a dated answer");
    assert!(offset.abs() <= 2, "{offset}");

    // A domain nobody publishes: every step of Exchange's order is tried and named, no answer
    // is a finding (exit 1), and the consequence is said in Exchange's own words.
    let out = fedshare(d, &["partner", "info", "nobody.example"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a partner without an answer is a finding"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("No valid answer"), "{text}");
    for url in [
        "POST https://autodiscover.nobody.example:",
        "POST https://nobody.example:",
        "GET http://autodiscover.nobody.example:",
        "GET http://nobody.example:",
    ] {
        assert!(text.contains(url), "{url} not tried:\n{text}");
    }
    // Each attempt says why in the resolver's words, not the HTTP client's wrappers.
    assert!(
        text.contains("→ name not resolved: the DNS server 127.0.0.1:")
            && text.contains("refused the query (REFUSED): it does not resolve this name"),
        "{text}"
    );
    assert!(!text.contains("error response"), "{text}");
    assert!(!text.contains("error sending request"), "{text}");

    // The same unpublished domain through `dns check`: each view's answer in words.
    let out = fedshare(d, &["dns", "check", "nobody.example"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("TXT nobody.example.  could not be read"),
        "{text}"
    );
    assert!(
        text.contains(": the server refused the query (REFUSED)  [could not be read]"),
        "{text}"
    );
    assert!(!text.contains("Server clock"), "{text}");
}
