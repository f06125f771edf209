//! The GetFederationInformation SOAP request and a hardened reader for its response.
//!
//! Hostile input is expected (a partner endpoint is someone else's server): a DOCTYPE is
//! refused outright (no DTD, so no entity expansion), only the five XML entities and
//! character references are accepted, nesting is bounded, and the caller bounds the size.

use quick_xml::events::Event;
use quick_xml::Reader;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub const SOAP_ACTION: &str =
    "http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetFederationInformation";
pub const RESPONSE_ACTION: &str =
    "http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetFederationInformationResponse";

/// Deepest element nesting accepted; real responses are 7 levels deep.
pub const MAX_DEPTH: usize = 32;

/// The request body. `domain` and `to` are escaped: they are data, never markup.
pub fn request_body(domain: &str, to: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://schemas.microsoft.com/exchange/2010/Autodiscover" xmlns:wsa="http://www.w3.org/2005/08/addressing">
  <soap:Header>
    <a:RequestedServerVersion>Exchange2010</a:RequestedServerVersion>
    <wsa:Action soap:mustUnderstand="1">{SOAP_ACTION}</wsa:Action>
    <wsa:To soap:mustUnderstand="1">{}</wsa:To>
  </soap:Header>
  <soap:Body>
    <GetFederationInformationRequestMessage xmlns="http://schemas.microsoft.com/exchange/2010/Autodiscover">
      <Request><Domain>{}</Domain></Request>
    </GetFederationInformationRequestMessage>
  </soap:Body>
</soap:Envelope>"#,
        quick_xml::escape::escape(to),
        quick_xml::escape::escape(domain)
    )
}

/// A token issuer as the partner lists it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TokenIssuer {
    pub uri: Option<String>,
    pub endpoint: Option<String>,
}

/// What the response said, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GfiResponse {
    pub action: Option<String>,
    /// Local name of the first element in the SOAP body.
    pub body_root: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub application_uri: Option<String>,
    pub domains: Vec<String>,
    pub token_issuers: Vec<TokenIssuer>,
    pub fault: Option<String>,
}

/// Parses a response; `Err` names why the document was refused.
pub fn parse_response(body: &[u8]) -> Result<GfiResponse, String> {
    let mut reader = Reader::from_reader(body);
    reader.config_mut().trim_text(true);
    let mut state = ParseState::default();
    loop {
        match reader
            .read_event()
            .map_err(|e| format!("malformed XML: {e}"))?
        {
            Event::DocType(_) => {
                return Err("a DOCTYPE is not allowed (DTDs and entities are refused)".into())
            }
            Event::Start(e) => state.open(e.local_name().as_ref())?,
            Event::Empty(e) => {
                state.open(e.local_name().as_ref())?;
                state.close();
            }
            Event::End(_) => state.close(),
            Event::Text(t) => state.text.push_str(&t),
            Event::CData(t) => state.text.push_str(&t),
            Event::GeneralRef(r) => state.text.push(resolve_ref(&r)?),
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    Ok(state.out)
}

fn resolve_ref(r: &quick_xml::events::BytesRef<'_>) -> Result<char, String> {
    if r.is_char_ref() {
        return r
            .resolve_char_ref()
            .ok()
            .flatten()
            .ok_or_else(|| "invalid character reference".to_string());
    }
    match &**r {
        "amp" => Ok('&'),
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "quot" => Ok('"'),
        "apos" => Ok('\''),
        other => Err(format!("undeclared entity &{};", other)),
    }
}

#[derive(Default)]
struct ParseState {
    path: Vec<String>,
    text: String,
    issuer: Option<TokenIssuer>,
    out: GfiResponse,
}

impl ParseState {
    fn open(&mut self, name: &str) -> Result<(), String> {
        if self.path.len() >= MAX_DEPTH {
            return Err(format!("elements nested deeper than {MAX_DEPTH} levels"));
        }
        if self.parent() == Some("Body") && self.out.body_root.is_none() {
            self.out.body_root = Some(name.to_owned());
        }
        if name == "TokenIssuer" {
            self.issuer = Some(TokenIssuer::default());
        }
        self.path.push(name.to_owned());
        self.text.clear();
        Ok(())
    }

    fn parent(&self) -> Option<&str> {
        self.path.last().map(String::as_str)
    }

    fn close(&mut self) {
        let Some(name) = self.path.pop() else { return };
        let text = std::mem::take(&mut self.text).trim().to_owned();
        let value = (!text.is_empty()).then_some(text);
        let parent = self.parent().unwrap_or("");
        match (parent, name.as_str()) {
            ("Header", "Action") => self.out.action = value,
            ("Response", "ErrorCode") => self.out.error_code = value,
            ("Response", "ErrorMessage") => self.out.error_message = value,
            ("Response", "ApplicationUri") => self.out.application_uri = value,
            ("Domains", "Domain") => self.out.domains.extend(value),
            ("TokenIssuer", "Uri") => {
                self.issuer.get_or_insert_with(TokenIssuer::default).uri = value
            }
            ("TokenIssuer", "Endpoint") => {
                self.issuer
                    .get_or_insert_with(TokenIssuer::default)
                    .endpoint = value
            }
            ("TokenIssuers", "TokenIssuer") => self.out.token_issuers.extend(self.issuer.take()),
            ("Fault", "faultstring") => self.out.fault = value,
            _ => {}
        }
    }
}

/// Validation of §4.6: the response counts only if all of these hold.
pub fn validate(resp: &GfiResponse, domain: &str) -> Result<(), String> {
    if let Some(fault) = &resp.fault {
        return Err(format!("SOAP fault: {fault}"));
    }
    if resp.body_root.as_deref() != Some("GetFederationInformationResponseMessage") {
        return Err(format!(
            "the body is not a GetFederationInformationResponse (found {})",
            resp.body_root.as_deref().unwrap_or("nothing")
        ));
    }
    match resp.error_code.as_deref() {
        None => return Err("the ErrorCode element is absent".into()),
        Some("NoError") => {}
        Some(code @ ("InvalidDomain" | "NotFederated")) => {
            return Err(format!("not federated ({code})"))
        }
        Some(code) => return Err(format!("ErrorCode {code}")),
    }
    match resp.application_uri.as_deref() {
        None => return Err("ApplicationUri is absent".into()),
        Some(uri) if !well_formed_uri(uri) => {
            return Err(format!("ApplicationUri '{uri}' is not a well-formed URI"))
        }
        Some(_) => {}
    }
    if resp.domains.is_empty() {
        return Err("Domains is empty".into());
    }
    if !resp.domains.iter().any(|d| d.eq_ignore_ascii_case(domain)) {
        return Err(format!("the requested domain {domain} is not in Domains"));
    }
    Ok(())
}

/// Like .NET `Uri.IsWellFormedUriString(.., RelativeOrAbsolute)` for the shapes seen here:
/// `outlook.com`, `FYDIBOHF25SPDLT.contoso.com`, `http://outlook.office.com/`.
fn well_formed_uri(uri: &str) -> bool {
    if uri.is_empty()
        || uri.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
        })
    {
        return false;
    }
    if uri.contains("://") {
        return url::Url::parse(uri).is_ok();
    }
    true
}
