//! The lab DNS server checked with independent real tools (Knot's kdig and knsupdate) and
//! with hickory's resolver and client.

use std::sync::{Arc, Mutex};

use fedshare_labnet::{LabNet, LabNetConfig, RecordData, RecordKind, TsigKeyConfig, ZoneData};
use hickory_net::client::{Client, ClientHandle};
use hickory_net::runtime::TokioRuntimeProvider;
use hickory_net::udp::UdpClientStream;
use hickory_proto::op::ResponseCode;
use hickory_proto::rr::rdata::tsig::TsigAlgorithm;
use hickory_proto::rr::rdata::TXT;
use hickory_proto::rr::{Name, RData, Record, TSigner};
use hickory_resolver::config::{NameServerConfig, ResolverConfig};
use hickory_resolver::Resolver;

type Changes = Arc<Mutex<Vec<Vec<ZoneData>>>>;

async fn start_lab() -> (LabNet, TsigKeyConfig, Changes) {
    let mut config = LabNetConfig::default_lab_with(2);
    // A TXT set larger than 512 bytes, to force truncation over UDP.
    let contoso = config
        .zones
        .iter_mut()
        .find(|z| z.origin == "contoso.com")
        .expect("test setup");
    for i in 0..8 {
        let value = format!("big-{i}-{}", "x".repeat(90));
        contoso
            .records
            .push(RecordData::new("big", 300, RecordKind::Txt, &value));
    }
    let changes: Changes = Arc::default();
    let sink = changes.clone();
    config.on_change = Some(Arc::new(move |zones| {
        sink.lock().expect("test setup").push(zones)
    }));
    let key = config.tsig.clone();
    (
        LabNet::start(config).await.expect("test setup"),
        key,
        changes,
    )
}

async fn kdig(lab: &LabNet, args: &[&str]) -> String {
    let port = lab.dns_addr().port().to_string();
    let out = tokio::process::Command::new("kdig")
        .args(["@127.0.0.1", "-p", &port, "+time=2", "+retry=0"])
        .args(args)
        .output()
        .await
        .expect("kdig is installed (knot-dnsutils)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn knsupdate(lab: &LabNet, key: Option<&str>, script: &str) -> (bool, String) {
    let mut cmd = tokio::process::Command::new("knsupdate");
    if let Some(key) = key {
        cmd.args(["-y", key]);
    }
    let port = lab.dns_addr().port();
    let full = format!("server 127.0.0.1 {port}\n{script}\nsend\nquit\n");
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("knsupdate is installed (knot-dnsutils)");
    use tokio::io::AsyncWriteExt;
    let mut stdin = child.stdin.take().expect("test setup");
    stdin.write_all(full.as_bytes()).await.expect("test setup");
    drop(stdin);
    let out = child.wait_with_output().await.expect("test setup");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn key_arg(key: &TsigKeyConfig) -> String {
    format!("hmac-sha256:{}:{}", key.name, key.secret_b64)
}

#[tokio::test(flavor = "multi_thread")]
async fn kdig_sees_cname_chains_nxdomain_nodata_and_refused() {
    let (lab, _, _) = start_lab().await;
    let answer = kdig(&lab, &["autodiscover.fabrikam.com", "A"]).await;
    assert!(answer.contains("status: NOERROR"), "{answer}");
    assert!(answer.contains("Flags: qr aa"), "authoritative: {answer}");
    assert!(answer.contains("CNAME\tmail.fabrikam.com."), "{answer}");
    assert!(answer.contains("A\t127.0.0.1"), "{answer}");

    let exo = kdig(&lab, &["autodiscover.adatum.com", "A"]).await;
    assert!(exo.contains("autodiscover.outlook.com."), "{exo}");
    assert!(
        exo.contains("autodiscover-s.outlook.com."),
        "chain crosses zones: {exo}"
    );

    let nx = kdig(&lab, &["nothing.fabrikam.com", "A"]).await;
    assert!(nx.contains("status: NXDOMAIN"), "{nx}");
    assert!(nx.contains("SOA"), "negative answers carry the SOA: {nx}");

    let nodata = kdig(&lab, &["mail.fabrikam.com", "TXT"]).await;
    assert!(nodata.contains("status: NOERROR"), "{nodata}");
    assert!(nodata.contains("ANSWER: 0"), "{nodata}");

    let refused = kdig(&lab, &["www.example.org", "A"]).await;
    assert!(refused.contains("status: REFUSED"), "{refused}");
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn large_answers_truncate_over_udp_and_arrive_over_tcp() {
    let (lab, _, _) = start_lab().await;
    let udp = kdig(&lab, &["+ignore", "+noedns", "big.contoso.com", "TXT"]).await;
    assert!(udp.contains(" tc"), "TC flag over UDP: {udp}");
    assert!(udp.contains("ANSWER: 0"), "{udp}");
    let edns = kdig(
        &lab,
        &["+ignore", "+bufsize=4096", "big.contoso.com", "TXT"],
    )
    .await;
    assert!(
        !edns.contains(" tc;"),
        "8 x 100 bytes fit in our 1232-byte EDNS size: {edns}"
    );
    let tcp = kdig(&lab, &["+tcp", "+noedns", "big.contoso.com", "TXT"]).await;
    assert!(tcp.contains("ANSWER: 8"), "{tcp}");
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn knsupdate_changes_the_zone_only_with_the_right_key() {
    let (lab, key, changes) = start_lab().await;
    let add = "zone contoso.com.\nupdate add contoso.com. 300 TXT \"proof-abc\"";

    let (ok, out) = knsupdate(&lab, None, add).await;
    assert!(!ok, "unsigned update must fail: {out}");
    assert!(out.contains("REFUSED"), "{out}");

    let wrong = TsigKeyConfig::generate(&key.name);
    let (ok, out) = knsupdate(&lab, Some(&key_arg(&wrong)), add).await;
    assert!(!ok, "wrong key must fail: {out}");
    assert!(out.contains("NOTAUTH") || out.contains("BADSIG"), "{out}");
    assert!(changes.lock().unwrap().is_empty());
    let before = kdig(&lab, &["contoso.com", "TXT"]).await;
    assert!(!before.contains("proof-abc"), "{before}");

    let (ok, out) = knsupdate(&lab, Some(&key_arg(&key)), add).await;
    assert!(ok, "signed update: {out}");
    let after = kdig(&lab, &["contoso.com", "TXT"]).await;
    assert!(
        after.contains("\"proof-abc\""),
        "served immediately: {after}"
    );
    let soa = kdig(&lab, &["contoso.com", "SOA", "+short"]).await;
    assert!(soa.contains(" 2 3600"), "serial bumped from 1 to 2: {soa}");

    let persisted = changes
        .lock()
        .unwrap()
        .last()
        .cloned()
        .expect("on_change called");
    let zone = persisted
        .iter()
        .find(|z| z.origin == "contoso.com")
        .unwrap();
    assert!(zone
        .records
        .iter()
        .any(|r| r.name == "@" && r.rtype == RecordKind::Txt && r.value == "proof-abc"));

    // Delete one RR, then the whole RRset at another name.
    let del = "zone contoso.com.\nupdate delete contoso.com. TXT \"proof-abc\"\nupdate delete mail.contoso.com. A";
    let (ok, out) = knsupdate(&lab, Some(&key_arg(&key)), del).await;
    assert!(ok, "{out}");
    let gone = kdig(&lab, &["contoso.com", "TXT"]).await;
    assert!(!gone.contains("proof-abc"), "{gone}");
    let mail = kdig(&lab, &["mail.contoso.com", "A"]).await;
    assert!(mail.contains("NXDOMAIN"), "{mail}");

    // A failed prerequisite leaves the zone untouched.
    let guarded = "zone contoso.com.\nprereq yxdomain nope.contoso.com.\nupdate add x.contoso.com. 60 A 127.0.0.2";
    let (ok, out) = knsupdate(&lab, Some(&key_arg(&key)), guarded).await;
    assert!(!ok && out.contains("NXDOMAIN"), "{out}");
    assert!(kdig(&lab, &["x.contoso.com", "A"])
        .await
        .contains("NXDOMAIN"));

    // Updates for zones we do not serve.
    let foreign = "zone example.org.\nupdate add a.example.org. 60 A 127.0.0.2";
    let (ok, out) = knsupdate(&lab, Some(&key_arg(&key)), foreign).await;
    assert!(!ok && out.contains("NOTAUTH"), "{out}");
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hickory_resolver_and_signed_client_agree() {
    let (lab, key, _) = start_lab().await;
    let mut ns = NameServerConfig::udp_and_tcp(lab.dns_addr().ip());
    for conn in &mut ns.connections {
        conn.port = lab.dns_addr().port();
    }
    let resolver = Resolver::builder_with_config(
        ResolverConfig::from_name_servers(vec![ns]),
        TokioRuntimeProvider::default(),
    )
    .build()
    .unwrap();
    let ips = resolver
        .lookup_ip("autodiscover.fabrikam.com.")
        .await
        .unwrap();
    let ips: Vec<String> = ips.iter().map(|ip| ip.to_string()).collect();
    assert_eq!(ips, ["127.0.0.1"]);
    // The resolver retries the truncated answer over TCP by itself.
    let big = resolver
        .lookup("big.contoso.com.", hickory_proto::rr::RecordType::TXT)
        .await
        .unwrap();
    assert_eq!(big.answers().len(), 8);

    use base64::Engine as _;
    let secret = base64::engine::general_purpose::STANDARD
        .decode(&key.secret_b64)
        .unwrap();
    let signer = TSigner::new(
        secret,
        TsigAlgorithm::HmacSha256,
        Name::from_ascii(&key.name).unwrap(),
        300,
    )
    .unwrap();
    let stream = UdpClientStream::builder(lab.dns_addr(), TokioRuntimeProvider::default())
        .with_signer(Some(signer))
        .build();
    let (mut client, bg) = Client::<TokioRuntimeProvider>::from_sender(stream);
    tokio::spawn(bg);
    let name = Name::from_ascii("_lab.fabrikam.com.").unwrap();
    let record = Record::from_rdata(name.clone(), 60, RData::TXT(TXT::new(vec!["hi".into()])));
    let response = client
        .create(record, Name::from_ascii("fabrikam.com.").unwrap())
        .await
        .unwrap();
    assert_eq!(response.metadata.response_code, ResponseCode::NoError);
    let txt = resolver
        .lookup("_lab.fabrikam.com.", hickory_proto::rr::RecordType::TXT)
        .await
        .unwrap();
    assert_eq!(txt.answers().len(), 1);
    assert!(lab
        .zones()
        .iter()
        .any(|z| z.records.iter().any(|r| r.name == "_lab")));
    lab.shutdown().await;
}

/// What a lab does when its data changes without a DNS update: the answer hook replaces the
/// served zones before the query is answered, and the zone's serial moves on.
#[tokio::test(flavor = "multi_thread")]
async fn the_answer_hook_replaces_the_zones_before_the_query_is_answered() {
    let mut config = LabNetConfig::default_lab_with(0);
    let served: Arc<std::sync::OnceLock<fedshare_labnet::ServedZones>> = Arc::default();
    let next: Arc<Mutex<Option<Vec<ZoneData>>>> = Arc::default();
    let (hook_served, hook_next) = (served.clone(), next.clone());
    config.before_answer = Some(Arc::new(move || {
        let Some(zones) = hook_next.lock().expect("test setup").take() else {
            return;
        };
        let served = hook_served.get().expect("started");
        served.hold_updates().replace(zones).expect("valid zones");
    }));
    let mut changed = config.zones.clone();
    let lab = LabNet::start(config).await.expect("test setup");
    served.set(lab.served_zones()).expect("set once");
    let soa = kdig(&lab, &["+short", "contoso.com", "SOA"]).await;
    assert_eq!(soa.split_whitespace().nth(2), Some("1"), "{soa}");

    let contoso = changed
        .iter_mut()
        .find(|z| z.origin == "contoso.com")
        .expect("test setup");
    contoso
        .records
        .push(RecordData::new("@", 300, RecordKind::Txt, "replaced"));
    *next.lock().expect("test setup") = Some(changed);
    let txt = kdig(&lab, &["+short", "contoso.com", "TXT"]).await;
    assert!(txt.contains("\"replaced\""), "{txt}");
    let soa = kdig(&lab, &["+short", "contoso.com", "SOA"]).await;
    assert_eq!(soa.split_whitespace().nth(2), Some("2"), "{soa}");
    lab.shutdown().await;
}
