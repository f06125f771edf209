//! Hostile Autodiscover answers, for testing that clients defend themselves.

use hyper::{Response, StatusCode};

use super::body::LabBody;
use super::exchange::{self, redirect, text, with_body};
use crate::partner::BrokenKind;
use crate::shutdown::Shutdown;

/// The classic "billion laughs" document: ten levels of tenfold entity expansion.
fn entity_expansion_document() -> String {
    let mut dtd = String::from("<!ENTITY lol0 \"lol\">");
    for level in 1..=9 {
        let refs = format!("&lol{};", level - 1).repeat(10);
        dtd.push_str(&format!("<!ENTITY lol{level} \"{refs}\">"));
    }
    format!(
        "<?xml version=\"1.0\"?><!DOCTYPE s:Envelope [{dtd}]><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><x>&lol9;</x></s:Body></s:Envelope>"
    )
}

pub(crate) async fn respond(
    kind: &BrokenKind,
    host: &str,
    shutdown: &mut Shutdown,
) -> Response<LabBody> {
    match kind {
        BrokenKind::EntityExpansion => text(
            StatusCode::OK,
            "text/xml; charset=utf-8",
            entity_expansion_document(),
        ),
        BrokenKind::HugeBody { bytes } => with_body(
            StatusCode::OK,
            "text/xml; charset=utf-8",
            LabBody::Repeat { remaining: *bytes },
        ),
        BrokenKind::NeverAnswers => {
            // Hold the request until the lab stops; only then release the connection.
            shutdown.wait().await;
            text(StatusCode::SERVICE_UNAVAILABLE, "text/plain", "")
        }
        BrokenKind::Trickle { interval_ms } => with_body(
            StatusCode::OK,
            "text/xml; charset=utf-8",
            LabBody::trickle(
                exchange::not_federated_envelope(),
                exchange::trickle_interval(*interval_ms),
            ),
        ),
        BrokenKind::RedirectLoop => redirect(&format!("https://{host}{}", exchange::SVC_PATH)),
        BrokenKind::RedirectToHttp => redirect(&format!("http://{host}{}", exchange::SVC_PATH)),
        // Certificate faults are TLS-level; the HTTP layer of those hosts is a normal CAS.
        BrokenKind::WrongCertificate { .. } | BrokenKind::ExpiredCertificate { .. } => {
            exchange::not_found()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn billion_laughs_is_small_on_the_wire() {
        let doc = entity_expansion_document();
        assert!(doc.len() < 2_000);
        assert!(doc.contains("<!ENTITY lol9"));
    }
}
