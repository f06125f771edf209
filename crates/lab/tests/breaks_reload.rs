//! A running lab host takes in breaks that another process (`fedshare lab break` / `lab fix`,
//! i.e. `admin::apply_break` / `admin::clear_break` on the same directory) writes to the state
//! file: the next cmdlet, the lab DNS server and the partner Autodiscover endpoints reflect
//! them, and neither side's saves drop the other's changes.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;

use common::*;
use fedshare_exchange::Invocation;
use fedshare_lab::{admin, Break, DnsVerifier, LabNetwork, LiveWorld, Ports, ProofVerifier, World};
use hickory_proto::op::ResponseCode;

const SPF: &str = "v=spf1 mx -all";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn run(live: &LiveWorld, inv: &Invocation) -> Vec<serde_json::Value> {
    live.invoke(&inv.cmdlet, &inv.params)
        .unwrap_or_else(|e| panic!("{} failed: {e:?}", inv.cmdlet))
        .output
}

/// The apex TXT values the lab DNS server answers, sorted.
fn apex_txt(dns: SocketAddr) -> Vec<String> {
    let mut values = DnsVerifier::udp(dns)
        .txt_values(&World::contoso(0), "contoso.com")
        .expect("the lab DNS server answers");
    values.sort();
    values
}

fn sorted(values: &[&str]) -> Vec<String> {
    let mut values: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
    values.sort();
    values
}

/// The NotAfter `Get-ExchangeCertificate` reports for the certificate.
fn not_after(live: &LiveWorld, thumbprint: &str) -> String {
    let get = Invocation::new("Get-ExchangeCertificate").string("Thumbprint", thumbprint);
    run(live, &get)[0]["NotAfter"]
        .as_str()
        .expect("NotAfter")
        .to_owned()
}

/// The ApplicationUri Fabrikam's Autodiscover endpoint answers with.
fn fabrikam_uri(rt: &tokio::runtime::Runtime, net: &LabNetwork) -> String {
    let xml = rt.block_on(get_federation_information(
        net.https_addr(),
        net.ca_pem(),
        "autodiscover.fabrikam.com",
        "fabrikam.com",
    ));
    let start = xml.find("<ApplicationUri>").expect("an ApplicationUri") + 16;
    let end = xml[start..].find('<').expect("closed") + start;
    xml[start..end].to_owned()
}

/// Publishes `value` at the contoso.com apex with a TSIG-signed update, as an administrator
/// would.
fn append_proof(live: &LiveWorld, rt: &tokio::runtime::Runtime, dns: SocketAddr, value: &str) {
    let key = live.snapshot().tsig;
    let code = rt.block_on(signed_txt_append(
        dns,
        &key,
        "contoso.com",
        "contoso.com",
        value,
    ));
    assert_eq!(code, Ok(ResponseCode::NoError));
}

/// A certificate and a trust, and the proof published at contoso.com with a signed update:
/// what proof-mistyped has to spoil. Returns the certificate's thumbprint and the proof.
fn publish_proof(
    live: &LiveWorld,
    rt: &tokio::runtime::Runtime,
    dns: SocketAddr,
) -> (String, String) {
    let thumbprint = run(live, &certificate())[0]["Thumbprint"]
        .as_str()
        .expect("thumbprint")
        .to_owned();
    run(live, &trust(&thumbprint));
    let value = proofs(&run(live, &proof("contoso.com")))[0].clone();
    append_proof(live, rt, dns, &value);
    (thumbprint, value)
}

#[test]
fn breaks_written_by_another_process_reach_cmdlets_dns_and_autodiscover() {
    let dir = tempfile::tempdir().expect("tempdir");
    let live = live_world(dir.path());
    let net = LabNetwork::start(&live, Ports::default()).expect("lab network");
    let rt = runtime();
    let dns = net.dns_addr();
    let (thumbprint, value) = publish_proof(&live, &rt, dns);
    let healthy_not_after = not_after(&live, &thumbprint);
    assert_eq!(apex_txt(dns), sorted(&[SPF, &value]));
    assert_eq!(fabrikam_uri(&rt, &net), "FYDIBOHF25SPDLT.fabrikam.com");

    // Each break is observed through one path only, with nothing else touching the host
    // in between: the next cmdlet, the next DNS answer, the next Autodiscover answer.
    admin::apply_break(dir.path(), Break::CertExpired).expect("break");
    let expired = not_after(&live, &thumbprint);
    assert!(expired < healthy_not_after, "{expired} is in the past");

    admin::apply_break(dir.path(), Break::ProofMistyped).expect("break");
    let served = apex_txt(dns);
    assert!(served.contains(&SPF.to_owned()), "{served:?}");
    assert!(
        !served.contains(&value),
        "the proof is served mistyped: {served:?}"
    );
    assert_eq!(served.len(), 2, "{served:?}");

    admin::apply_break(dir.path(), Break::PartnerTargetMismatch).expect("break");
    assert_eq!(fabrikam_uri(&rt, &net), "FYDIBOHF25SPDLT.fabrikam-corp.com");

    // A change of the host's own, saved: the breaks written before it stay in the file.
    run(&live, &policy(1));
    let on_disk = World::load(dir.path()).expect("state");
    assert_eq!(
        on_disk.breaks,
        [
            Break::CertExpired,
            Break::ProofMistyped,
            Break::PartnerTargetMismatch
        ]
    );

    // `lab fix` goes the same way back.
    admin::clear_break(dir.path(), Break::ProofMistyped).expect("fix");
    assert_eq!(apex_txt(dns), sorted(&[SPF, &value]));
    admin::clear_break(dir.path(), Break::PartnerTargetMismatch).expect("fix");
    assert_eq!(fabrikam_uri(&rt, &net), "FYDIBOHF25SPDLT.fabrikam.com");
    admin::clear_break(dir.path(), Break::CertExpired).expect("fix");
    assert_eq!(not_after(&live, &thumbprint), healthy_not_after);

    let on_disk = World::load(dir.path()).expect("state");
    assert!(on_disk.breaks.is_empty());
    assert!(on_disk
        .sharing_policies
        .iter()
        .any(|p| p.name == "Policy 1"));
    assert_eq!(on_disk, live.snapshot(), "the host and the file agree");
    net.stop();
}

#[test]
fn republishing_the_proof_repairs_a_break_written_by_another_process() {
    let dir = tempfile::tempdir().expect("tempdir");
    let live = live_world(dir.path());
    let net = LabNetwork::start(&live, Ports::default()).expect("lab network");
    let rt = runtime();
    let dns = net.dns_addr();
    let (_, value) = publish_proof(&live, &rt, dns);

    admin::apply_break(dir.path(), Break::ProofMissing).expect("break");
    admin::apply_break(dir.path(), Break::ClockSkew).expect("break");
    assert_eq!(apex_txt(dns), [SPF], "the proof is withheld");

    // The administrator publishes the proof again: the host clears proof-missing itself,
    // and its save keeps the break it did not clear.
    append_proof(&live, &rt, dns, &value);
    assert_eq!(apex_txt(dns), sorted(&[SPF, &value]));
    assert_eq!(
        World::load(dir.path()).expect("state").breaks,
        [Break::ClockSkew]
    );
    assert_eq!(live.snapshot().breaks, [Break::ClockSkew]);
    net.stop();
}

/// `lab break` and `lab fix` while the host saves one change after another: every break
/// written survives the host's saves, every host change survives the admin's writes.
#[test]
fn concurrent_breaks_and_host_saves_lose_nothing() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    let dir = tempfile::tempdir().expect("tempdir");
    let live = live_world(dir.path());
    let stop = Arc::new(AtomicBool::new(false));
    let saves = Arc::new(AtomicUsize::new(0));
    let host = {
        let (live, stop, saves) = (Arc::clone(&live), Arc::clone(&stop), Arc::clone(&saves));
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                run(&live, &policy(saves.load(Ordering::SeqCst)));
                saves.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    // Each admin write lands among host saves: a few before the next write (or the host
    // failed, which the join below reports).
    let interleave = |write: &dyn Fn()| {
        write();
        let target = saves.load(Ordering::SeqCst) + 3;
        while saves.load(Ordering::SeqCst) < target && !host.is_finished() {
            std::thread::yield_now();
        }
    };
    for b in Break::ALL {
        interleave(&|| {
            admin::apply_break(dir.path(), b).expect("break");
        });
    }
    interleave(&|| {
        admin::clear_break(dir.path(), Break::ClockSkew).expect("fix");
    });
    stop.store(true, Ordering::SeqCst);
    host.join().expect("host thread");

    let mut expected: Vec<Break> = Break::ALL.to_vec();
    expected.retain(|b| *b != Break::ClockSkew);
    let on_disk = World::load(dir.path()).expect("state");
    let saved = saves.load(Ordering::SeqCst);
    assert_eq!(on_disk.breaks, expected, "after {saved} host saves");
    for i in 0..saved {
        let name = format!("Policy {i}");
        assert!(
            on_disk.sharing_policies.iter().any(|p| p.name == name),
            "{name} was lost"
        );
    }
    assert_eq!(live.snapshot().breaks, expected);
}
