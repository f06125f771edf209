//! The GetFederationInformation SOAP exchange (MS-OXWSADISC) as Exchange answers it.

use quick_xml::escape::escape;
use quick_xml::events::Event;
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::reader::NsReader;

use crate::partner::{FederationInfo, TokenIssuer};

pub(crate) const WSA_NS: &str = "http://www.w3.org/2005/08/addressing";
pub(crate) const AUTODISCOVER_NS: &str = "http://schemas.microsoft.com/exchange/2010/Autodiscover";
pub(crate) const GFI_ACTION_SUFFIX: &str = "/GetFederationInformation";
const GFI_RESPONSE_ACTION: &str =
    "http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetFederationInformationResponse";

/// What the server needs from a request envelope.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct GfiRequest {
    /// The WS-Addressing `Action` header.
    pub(crate) action: Option<String>,
    /// `GetFederationInformationRequestMessage/Request/Domain`.
    pub(crate) domain: Option<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ParseError {
    /// A DOCTYPE: WCF refuses DTDs, and entity expansion is an attack.
    Dtd,
    Malformed,
}

/// Reads the envelope without ever expanding entities (quick-xml has no DTD support, and a
/// DOCTYPE is rejected outright).
pub(crate) fn parse_request(body: &[u8]) -> Result<GfiRequest, ParseError> {
    let mut reader = NsReader::from_reader(body);
    let mut buf = Vec::new();
    let mut path: Vec<(bool, String)> = Vec::new();
    let mut request = GfiRequest::default();
    let mut text = String::new();
    loop {
        let (ns, event) = reader
            .read_resolved_event_into(&mut buf)
            .map_err(|_| ParseError::Malformed)?;
        match event {
            Event::DocType(_) => return Err(ParseError::Dtd),
            Event::Start(start) => {
                let in_known_ns = matches!(ns, ResolveResult::Bound(Namespace(n)) if n == WSA_NS || n == AUTODISCOVER_NS);
                let local = start.local_name().as_ref().to_owned();
                path.push((in_known_ns, local));
                text.clear();
            }
            Event::End(_) => {
                capture(&path, text.trim(), &mut request);
                text.clear();
                path.pop();
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(t) => text.push_str(&t.xml10_content()),
            // Only character references and the five predefined entities exist without a
            // DTD; anything else is an undefined entity, i.e. malformed.
            Event::GeneralRef(r) => text.push_str(&resolve_reference(&r)?),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(request)
}

fn resolve_reference(r: &quick_xml::events::BytesRef<'_>) -> Result<String, ParseError> {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return Ok(c.to_string());
    }
    let name: &str = r.as_ref();
    quick_xml::escape::resolve_predefined_entity(name)
        .map(str::to_owned)
        .ok_or(ParseError::Malformed)
}

fn capture(path: &[(bool, String)], value: &str, request: &mut GfiRequest) {
    let names: Vec<&str> = path.iter().map(|(_, n)| n.as_str()).collect();
    let known = path.last().is_some_and(|(k, _)| *k);
    match names.as_slice() {
        [.., "Header", "Action"] if known => request.action = Some(value.to_owned()),
        [.., "Body", "GetFederationInformationRequestMessage", "Request", "Domain"] if known => {
            request.domain = Some(value.to_owned());
        }
        _ => {}
    }
}

/// Which product's envelope to mimic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// Exchange 2013 CU23 (15.00.1497.002).
    Exchange2013,
    /// Exchange Online, as captured in 2025.
    ExchangeOnline,
}

/// The answer's `ErrorCode` and, for `NoError`, the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GfiAnswer {
    NoError(FederationInfo),
    InvalidDomain,
    NotFederated,
    InvalidRequest,
}

pub(crate) fn render_response(answer: &GfiAnswer, flavor: Flavor) -> String {
    let (code, message, info) = match answer {
        GfiAnswer::NoError(info) => ("NoError", "", Some(info)),
        GfiAnswer::InvalidDomain => ("InvalidDomain", "The domain is not valid.", None),
        GfiAnswer::NotFederated => (
            "NotFederated",
            "Federation is not enabled for this organization.",
            None,
        ),
        GfiAnswer::InvalidRequest => ("InvalidRequest", "The request is invalid.", None),
    };
    let message = if message.is_empty() {
        "<ErrorMessage/>".to_owned()
    } else {
        format!("<ErrorMessage>{}</ErrorMessage>", escape(message))
    };
    let data = info.map(render_info).unwrap_or_default();
    format!(
        concat!(
            r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://www.w3.org/2005/08/addressing">"#,
            r#"<s:Header><a:Action s:mustUnderstand="1">{action}</a:Action>{version}</s:Header>"#,
            r#"<s:Body><GetFederationInformationResponseMessage xmlns="{ns}">"#,
            r#"<Response xmlns:i="http://www.w3.org/2001/XMLSchema-instance">"#,
            r#"<ErrorCode>{code}</ErrorCode>{message}{data}</Response>"#,
            r#"</GetFederationInformationResponseMessage></s:Body></s:Envelope>"#
        ),
        action = GFI_RESPONSE_ACTION,
        version = server_version(flavor),
        ns = AUTODISCOVER_NS,
        code = code,
        message = message,
        data = data,
    )
}

fn render_info(info: &FederationInfo) -> String {
    let domains: String = info
        .domains
        .iter()
        .map(|d| format!("<Domain>{}</Domain>", escape(d.as_str())))
        .collect();
    let issuers: String = info.token_issuers.iter().map(render_issuer).collect();
    format!(
        "<ApplicationUri>{}</ApplicationUri><Domains>{domains}</Domains><TokenIssuers>{issuers}</TokenIssuers>",
        escape(info.application_uri.as_str())
    )
}

fn render_issuer(issuer: &TokenIssuer) -> String {
    format!(
        "<TokenIssuer><Endpoint>{}</Endpoint><Uri>{}</Uri></TokenIssuer>",
        escape(issuer.endpoint.as_str()),
        escape(issuer.uri.as_str())
    )
}

fn server_version(flavor: Flavor) -> String {
    let (minor, build, revision, version) = match flavor {
        Flavor::Exchange2013 => (0, 1497, 2, "Exchange2013_SP1"),
        Flavor::ExchangeOnline => (20, 6411, 14, "Exchange2015"),
    };
    format!(
        concat!(
            r#"<h:ServerVersionInfo xmlns:h="{ns}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">"#,
            "<h:MajorVersion>15</h:MajorVersion><h:MinorVersion>{minor}</h:MinorVersion>",
            "<h:MajorBuildNumber>{build}</h:MajorBuildNumber><h:MinorBuildNumber>{revision}</h:MinorBuildNumber>",
            "<h:Version>{version}</h:Version></h:ServerVersionInfo>"
        ),
        ns = AUTODISCOVER_NS,
        minor = minor,
        build = build,
        revision = revision,
        version = version,
    )
}

/// The request envelope §5 shows; used by tests and handy for lab tooling.
pub fn gfi_request_envelope(domain: &str, to: &str) -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="utf-8"?>"#,
            r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="{ns}" xmlns:wsa="{wsa}">"#,
            "<soap:Header><a:RequestedServerVersion>Exchange2010</a:RequestedServerVersion>",
            r#"<wsa:Action soap:mustUnderstand="1">http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetFederationInformation</wsa:Action>"#,
            r#"<wsa:To soap:mustUnderstand="1">{to}</wsa:To></soap:Header>"#,
            r#"<soap:Body><GetFederationInformationRequestMessage xmlns="{ns}">"#,
            "<Request><Domain>{domain}</Domain></Request>",
            "</GetFederationInformationRequestMessage></soap:Body></soap:Envelope>"
        ),
        ns = AUTODISCOVER_NS,
        wsa = WSA_NS,
        to = escape(to),
        domain = escape(domain),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_action_and_domain_are_read_by_namespace() {
        let body = gfi_request_envelope(
            "fabrikam.com",
            "https://autodiscover.fabrikam.com/autodiscover/autodiscover.svc",
        );
        let req = parse_request(body.as_bytes()).unwrap();
        assert!(req.action.unwrap().ends_with(GFI_ACTION_SUFFIX));
        assert_eq!(req.domain.as_deref(), Some("fabrikam.com"));
        // The same element names in a foreign namespace are not the WS-Addressing header.
        let foreign = body.replace(WSA_NS, "urn:other");
        assert_eq!(parse_request(foreign.as_bytes()).unwrap().action, None);
    }

    #[test]
    fn dtds_and_garbage_are_rejected() {
        let dtd = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>"#;
        assert_eq!(parse_request(dtd.as_bytes()), Err(ParseError::Dtd));
        assert_eq!(parse_request(b"<a><b></a>"), Err(ParseError::Malformed));
        assert_eq!(
            parse_request(b"<a>&undefined;</a>"),
            Err(ParseError::Malformed)
        );
        let escaped = gfi_request_envelope("fabrik&am.com", "x");
        let req = parse_request(escaped.as_bytes()).unwrap();
        assert_eq!(
            req.domain.as_deref(),
            Some("fabrik&am.com"),
            "predefined entities resolve"
        );
    }

    #[test]
    fn response_escapes_values_and_has_the_documented_shape() {
        let info = FederationInfo {
            application_uri: "outlook.com".into(),
            domains: vec!["a<b>.com".into()],
            token_issuers: vec![TokenIssuer::microsoft_online()],
        };
        let xml = render_response(&GfiAnswer::NoError(info), Flavor::ExchangeOnline);
        assert!(xml.contains("<Domain>a&lt;b&gt;.com</Domain>"));
        assert!(xml.contains("<ErrorCode>NoError</ErrorCode><ErrorMessage/><ApplicationUri>outlook.com</ApplicationUri>"));
        assert!(xml.contains("GetFederationInformationResponse</a:Action>"));
        assert!(xml.contains("<h:Version>Exchange2015</h:Version>"));
        let nf = render_response(&GfiAnswer::NotFederated, Flavor::Exchange2013);
        assert!(nf.contains("<ErrorCode>NotFederated</ErrorCode>"));
        assert!(!nf.contains("<ApplicationUri>"));
    }
}
