//! The live world under concurrent load: signed DNS updates arriving while cmdlets run (some
//! of them waiting on the same DNS server for the proof check) are all applied and persisted.

mod common;

use std::sync::Arc;

use common::*;
use fedshare_lab::{LabNetwork, Ports, World};
use hickory_proto::op::ResponseCode;

const ROUNDS: usize = 12;

#[test]
fn updates_during_cmdlets_are_all_applied_and_persisted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let live = live_world(dir.path());
    let network = LabNetwork::start(&live, Ports::default()).expect("lab network");
    let key = live.snapshot().tsig;
    let dns = network.dns_addr();

    let thumbprint = live.invoke("New-ExchangeCertificate", &certificate().params);
    let thumbprint = thumbprint.expect("certificate").output[0]["Thumbprint"]
        .as_str()
        .expect("thumbprint")
        .to_owned();
    let trust = trust(&thumbprint);
    live.invoke(&trust.cmdlet, &trust.params).expect("trust");

    let worker = {
        let live = Arc::clone(&live);
        std::thread::spawn(move || {
            for i in 0..ROUNDS {
                // The proof check queries the lab DNS server while holding the world lock.
                let orgid = set_orgid("contoso.com");
                let refused = live
                    .invoke(&orgid.cmdlet, &orgid.params)
                    .expect_err("no proof published");
                assert_eq!(refused.exception, "DomainProofOwnershipException");
                let p = policy(i);
                live.invoke(&p.cmdlet, &p.params).expect("policy");
            }
        })
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        for i in 0..ROUNDS {
            let owner = format!("t{i}.contoso.com");
            let code = signed_txt_append(dns, &key, "contoso.com", &owner, &format!("v{i}")).await;
            assert_eq!(code, Ok(ResponseCode::NoError), "update {i}");
        }
    });
    worker.join().expect("cmdlets ran");

    // The proof check still reaches the server: publish the proof and federate.
    let proof_out = live
        .invoke("Get-FederatedDomainProof", &proof("contoso.com").params)
        .expect("proof");
    let value = proofs(&proof_out.output)[0].clone();
    let code = rt.block_on(signed_txt_append(
        dns,
        &key,
        "contoso.com",
        "contoso.com",
        &value,
    ));
    assert_eq!(code, Ok(ResponseCode::NoError));
    let orgid = set_orgid("contoso.com");
    live.invoke(&orgid.cmdlet, &orgid.params)
        .expect("federated");

    let on_disk = World::load(dir.path()).expect("persisted");
    let zone = fedshare_lab::zones::zone_for(&on_disk.zones, "contoso.com").expect("zone");
    for i in 0..ROUNDS {
        assert_eq!(
            zone.values(&format!("t{i}.contoso.com"), "TXT"),
            [format!("v{i}")]
        );
        let name = format!("Policy {i}");
        assert!(on_disk.sharing_policies.iter().any(|p| p.name == name));
    }
    assert!(on_disk.organization_identifier.enabled);
    assert_eq!(on_disk, live.snapshot(), "nothing is left only in memory");
    network.stop();
}

#[test]
fn the_proof_check_asks_the_dns_server_not_the_zone_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let live = live_world(dir.path());
    let network = LabNetwork::start(&live, Ports::default()).expect("lab network");
    let key = live.snapshot().tsig;
    let cert = live
        .invoke("New-ExchangeCertificate", &certificate().params)
        .expect("certificate");
    let trust = trust(cert.output[0]["Thumbprint"].as_str().expect("thumbprint"));
    live.invoke(&trust.cmdlet, &trust.params).expect("trust");
    let out = live
        .invoke("Get-FederatedDomainProof", &proof("contoso.com").params)
        .expect("proof");
    let value = proofs(&out.output)[0].clone();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let code = rt.block_on(signed_txt_append(
        network.dns_addr(),
        &key,
        "contoso.com",
        "contoso.com",
        &value,
    ));
    assert_eq!(code, Ok(ResponseCode::NoError));
    let zone_data = live.snapshot();
    let zone = fedshare_lab::zones::zone_for(&zone_data.zones, "contoso.com").expect("zone");
    assert!(zone.values("contoso.com", "TXT").contains(&value));

    // The zone data holds the proof, but with the DNS server gone nobody can resolve it.
    network.stop();
    let orgid = set_orgid("contoso.com");
    let refused = live
        .invoke(&orgid.cmdlet, &orgid.params)
        .expect_err("the proof cannot be resolved");
    assert_eq!(refused.exception, "DomainProofOwnershipException");
}
