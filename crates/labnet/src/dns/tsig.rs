//! TSIG (RFC 8945) checks for incoming messages and signing of the matching responses.

use hickory_proto::op::Message;
use hickory_proto::rr::rdata::tsig::TsigError;
use hickory_proto::rr::{Record, TSigResponseContext, TSigner};

/// The outcome of checking a message's TSIG record.
pub(crate) enum Auth {
    /// No TSIG record: fine for queries, refused for updates.
    Unsigned,
    /// Signed with our key: the response is signed too.
    Valid(TSigResponseContext),
    /// Signed, but not acceptably: answer NOTAUTH with this (error-carrying) TSIG.
    Rejected(TSigResponseContext),
}

/// Checks `message` (decoded from `raw`) against the one configured key.
pub(crate) fn authenticate(signer: &TSigner, raw: &[u8], message: &Message, now: u64) -> Auth {
    let Some(tsig) = message.signature.as_deref() else {
        return Auth::Unsigned;
    };
    let id = message.metadata.id;
    if !key_matches(signer, tsig) {
        return Auth::Rejected(TSigResponseContext::unknown_key(id, now, tsig.name.clone()));
    }
    let Ok((_, _, window)) = signer.verify_message_byte(raw, None, true) else {
        tracing::warn!(id, "TSIG signature did not verify");
        return Auth::Rejected(TSigResponseContext::bad_signature(id, now, signer.clone()));
    };
    let mac = tsig.data.mac.clone();
    if !window.contains(&now) {
        // A BADTIME answer is signed with the request's key (RFC 8945 §5.2.3).
        let ctx = TSigResponseContext::new(id, now, signer.clone(), mac, Some(TsigError::BadTime));
        return Auth::Rejected(ctx);
    }
    Auth::Valid(TSigResponseContext::new(id, now, signer.clone(), mac, None))
}

fn key_matches(signer: &TSigner, tsig: &Record<hickory_proto::rr::rdata::tsig::TSIG>) -> bool {
    tsig.name.to_lowercase() == signer.signer_name().to_lowercase()
        && &tsig.data.algorithm == signer.algorithm()
}
