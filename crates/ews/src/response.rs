//! The response: one `FreeBusyResponse` per requested mailbox, in request order; each a
//! `ResponseMessage` of class `Success` (with a `FreeBusyView`) or `Error` (with `MessageXml`
//! carrying the availability exception's type, code, server and remote source).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::xml::{self, child, children, text_of};
use crate::{EwsError, ERRORS_NS, MESSAGES_NS, SOAP_NS, TYPES_NS};

/// What came back for one mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum MailboxAnswer {
    FreeBusy(FreeBusyData),
    Error(AvailabilityError),
}

/// A successful answer. Only times and busy types: never subjects or locations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FreeBusyData {
    /// `FreeBusyViewType`: what the partner grants (`FreeBusy` for AvailabilityOnly,
    /// `Detailed` for LimitedDetails, when `Detailed` is asked for).
    pub view_type: String,
    /// `MergedFreeBusy` digits (0 free, 1 tentative, 2 busy, 3 OOF, 4 no data), when asked.
    pub merged: Option<String>,
    pub slots: Vec<BusySlot>,
    /// `WorkingHours/TimeZone/Bias` in minutes: proof the answer came from the mailbox.
    pub working_hours_bias: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BusySlot {
    pub start: String,
    pub end: String,
    /// `Free`, `Tentative`, `Busy`, `OOF`, `WorkingElsewhere` or `NoData`.
    pub busy_type: String,
}

/// `ResponseClass="Error"` and its `MessageXml`, as Exchange sent them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AvailabilityError {
    pub response_code: String,
    pub message_text: String,
    pub exception_type: Option<String>,
    /// The availability `ErrorConstants` value (5009, 5016, 5037 ...).
    pub exception_code: Option<u32>,
    pub exception_server_name: Option<String>,
    /// The remote URL, when the failure came from the partner's side.
    pub response_source: Option<String>,
}

/// Reads a `GetUserAvailabilityResponse` (or the SOAP fault in its place).
pub fn parse_response(body: &[u8]) -> Result<Vec<MailboxAnswer>, EwsError> {
    let text = xml::utf8(body)?;
    let doc = xml::parse(text)?;
    let envelope = doc.root_element();
    let soap_body = child(envelope, SOAP_NS, "Body")
        .ok_or_else(|| EwsError::Unexpected("no SOAP body".into()))?;
    if let Some(fault) = child(soap_body, SOAP_NS, "Fault") {
        // SOAP 1.1 fault children are unqualified.
        let get = |name: &str| {
            fault
                .children()
                .find(|c| c.is_element() && c.tag_name().name() == name)
                .and_then(|c| c.text())
                .unwrap_or_default()
                .trim()
                .to_owned()
        };
        return Err(EwsError::SoapFault {
            code: get("faultcode"),
            message: get("faultstring"),
        });
    }
    let response = child(soap_body, MESSAGES_NS, "GetUserAvailabilityResponse")
        .ok_or_else(|| EwsError::Unexpected("not a GetUserAvailabilityResponse".into()))?;
    let array = child(response, MESSAGES_NS, "FreeBusyResponseArray")
        .ok_or_else(|| EwsError::Unexpected("no FreeBusyResponseArray".into()))?;
    let answers: Vec<MailboxAnswer> = children(array, MESSAGES_NS, "FreeBusyResponse")
        .map(one_answer)
        .collect::<Result<_, _>>()?;
    if answers.is_empty() {
        return Err(EwsError::Unexpected("no FreeBusyResponse".into()));
    }
    Ok(answers)
}

fn one_answer(node: roxmltree::Node<'_, '_>) -> Result<MailboxAnswer, EwsError> {
    let message = child(node, MESSAGES_NS, "ResponseMessage")
        .ok_or_else(|| EwsError::Unexpected("a FreeBusyResponse without ResponseMessage".into()))?;
    let class = message.attribute("ResponseClass").unwrap_or("Error");
    let view = child(node, MESSAGES_NS, "FreeBusyView");
    if class == "Success" {
        let view =
            view.ok_or_else(|| EwsError::Unexpected("success without FreeBusyView".into()))?;
        return Ok(MailboxAnswer::FreeBusy(free_busy(view)));
    }
    let detail = child(message, MESSAGES_NS, "MessageXml");
    let from_detail = |name: &str| detail.and_then(|d| text_of(d, ERRORS_NS, name));
    Ok(MailboxAnswer::Error(AvailabilityError {
        response_code: text_of(message, MESSAGES_NS, "ResponseCode").unwrap_or_default(),
        message_text: text_of(message, MESSAGES_NS, "MessageText").unwrap_or_default(),
        exception_type: from_detail("ExceptionType"),
        exception_code: from_detail("ExceptionCode").and_then(|c| c.parse().ok()),
        exception_server_name: from_detail("ExceptionServerName"),
        response_source: from_detail("ResponseSource"),
    }))
}

/// Times and busy types only; `CalendarEventDetails` (subject, location) is never read.
fn free_busy(view: roxmltree::Node<'_, '_>) -> FreeBusyData {
    let slots = child(view, TYPES_NS, "CalendarEventArray")
        .map(|array| {
            children(array, TYPES_NS, "CalendarEvent")
                .map(|e| BusySlot {
                    start: text_of(e, TYPES_NS, "StartTime").unwrap_or_default(),
                    end: text_of(e, TYPES_NS, "EndTime").unwrap_or_default(),
                    busy_type: text_of(e, TYPES_NS, "BusyType").unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    FreeBusyData {
        view_type: text_of(view, TYPES_NS, "FreeBusyViewType").unwrap_or_default(),
        merged: text_of(view, TYPES_NS, "MergedFreeBusy"),
        slots,
        working_hours_bias: child(view, TYPES_NS, "WorkingHours")
            .and_then(|w| child(w, TYPES_NS, "TimeZone"))
            .and_then(|z| text_of(z, TYPES_NS, "Bias"))
            .and_then(|b| b.parse().ok()),
    }
}

/// The response as Exchange 2013 writes it (the lab's EWS endpoints).
pub fn render_response(answers: &[MailboxAnswer]) -> String {
    let items: String = answers.iter().map(render_answer).collect();
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="{SOAP_NS}"><s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="0" MajorBuildNumber="1497" MinorBuildNumber="2" xmlns:h="{TYPES_NS}"/></s:Header><s:Body><GetUserAvailabilityResponse xmlns="{MESSAGES_NS}"><FreeBusyResponseArray>{items}</FreeBusyResponseArray></GetUserAvailabilityResponse></s:Body></s:Envelope>"#
    )
}

fn render_answer(answer: &MailboxAnswer) -> String {
    match answer {
        MailboxAnswer::FreeBusy(data) => {
            let events: String = data
                .slots
                .iter()
                .map(|s| {
                    format!(
                        "<CalendarEvent><StartTime>{}</StartTime><EndTime>{}</EndTime><BusyType>{}</BusyType></CalendarEvent>",
                        xml::escape(&s.start),
                        xml::escape(&s.end),
                        xml::escape(&s.busy_type)
                    )
                })
                .collect();
            let merged = data
                .merged
                .as_ref()
                .map(|m| {
                    format!(
                        r#"<MergedFreeBusy xmlns="{TYPES_NS}">{}</MergedFreeBusy>"#,
                        xml::escape(m)
                    )
                })
                .unwrap_or_default();
            let hours = data
                .working_hours_bias
                .map(|b| format!(r#"<WorkingHours xmlns="{TYPES_NS}"><TimeZone><Bias>{b}</Bias></TimeZone><WorkingPeriodArray><WorkingPeriod><DayOfWeek>Monday Tuesday Wednesday Thursday Friday</DayOfWeek><StartTimeInMinutes>480</StartTimeInMinutes><EndTimeInMinutes>1020</EndTimeInMinutes></WorkingPeriod></WorkingPeriodArray></WorkingHours>"#))
                .unwrap_or_default();
            format!(
                r#"<FreeBusyResponse><ResponseMessage ResponseClass="Success"><ResponseCode>NoError</ResponseCode></ResponseMessage><FreeBusyView><FreeBusyViewType xmlns="{TYPES_NS}">{}</FreeBusyViewType>{merged}<CalendarEventArray xmlns="{TYPES_NS}">{events}</CalendarEventArray>{hours}</FreeBusyView></FreeBusyResponse>"#,
                xml::escape(&data.view_type),
            )
        }
        MailboxAnswer::Error(e) => {
            let field = |name: &str, value: &Option<String>| {
                value
                    .as_ref()
                    .map(|v| format!(r#"<{name} xmlns="{ERRORS_NS}">{}</{name}>"#, xml::escape(v)))
                    .unwrap_or_default()
            };
            format!(
                r#"<FreeBusyResponse><ResponseMessage ResponseClass="Error"><MessageText>{}</MessageText><ResponseCode>{}</ResponseCode><DescriptiveLinkKey>0</DescriptiveLinkKey><MessageXml>{}{}{}{}</MessageXml></ResponseMessage><FreeBusyView><FreeBusyViewType xmlns="{TYPES_NS}">None</FreeBusyViewType></FreeBusyView></FreeBusyResponse>"#,
                xml::escape(&e.message_text),
                xml::escape(&e.response_code),
                field("ExceptionType", &e.exception_type),
                field("ExceptionCode", &e.exception_code.map(|c| c.to_string())),
                field("ExceptionServerName", &e.exception_server_name),
                field("ResponseSource", &e.response_source),
            )
        }
    }
}

/// A SOAP 1.1 fault as WCF/EWS sends it (status 500).
pub fn render_fault(code: &str, message: &str) -> String {
    format!(
        r#"<s:Envelope xmlns:s="{SOAP_NS}"><s:Body><s:Fault><faultcode xmlns:a="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">{}</faultcode><faultstring xml:lang="en-US">{}</faultstring></s:Fault></s:Body></s:Envelope>"#,
        xml::escape(code),
        xml::escape(message)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The real capture from the Microsoft support article (namespaces completed).
    const NO_ACCESS: &str = r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetUserAvailabilityResponse xmlns="http://schemas.microsoft.com/exchange/services/2006/messages"><FreeBusyResponseArray><FreeBusyResponse><ResponseMessage ResponseClass="Error">
  <MessageText>The caller does not have access to free/busy data.</MessageText>
  <ResponseCode>ErrorNoFreeBusyAccess</ResponseCode><DescriptiveLinkKey>0</DescriptiveLinkKey>
  <MessageXml>
    <ExceptionType xmlns="http://schemas.microsoft.com/exchange/services/2006/errors">Microsoft.Exchange.InfoWorker.Common.Availability.NoFreeBusyAccessException</ExceptionType>
    <ExceptionCode xmlns="http://schemas.microsoft.com/exchange/services/2006/errors">5037</ExceptionCode>
    <ExceptionServerName xmlns="http://schemas.microsoft.com/exchange/services/2006/errors">ServerName</ExceptionServerName>
    <ResponseSource xmlns="http://schemas.microsoft.com/exchange/services/2006/errors">https://Server.outlook.com/EWS/Exchange.asmx/WSSecurity</ResponseSource>
  </MessageXml></ResponseMessage>
  <FreeBusyView><FreeBusyViewType xmlns="http://schemas.microsoft.com/exchange/services/2006/types">None</FreeBusyViewType></FreeBusyView></FreeBusyResponse></FreeBusyResponseArray></GetUserAvailabilityResponse></s:Body></s:Envelope>"#;

    #[test]
    fn the_captured_error_is_read_field_by_field() {
        let answers = parse_response(NO_ACCESS.as_bytes()).expect("parse");
        let [MailboxAnswer::Error(e)] = answers.as_slice() else {
            panic!("{answers:?}")
        };
        assert_eq!(e.response_code, "ErrorNoFreeBusyAccess");
        assert_eq!(e.exception_code, Some(5037));
        assert_eq!(e.exception_server_name.as_deref(), Some("ServerName"));
        assert_eq!(
            e.response_source.as_deref(),
            Some("https://Server.outlook.com/EWS/Exchange.asmx/WSSecurity")
        );
        assert!(e
            .exception_type
            .as_deref()
            .unwrap_or_default()
            .ends_with("NoFreeBusyAccessException"));
    }

    #[test]
    fn rendered_answers_read_back_the_same() {
        let answers = vec![
            MailboxAnswer::FreeBusy(FreeBusyData {
                view_type: "FreeBusy".into(),
                merged: None,
                slots: vec![BusySlot {
                    start: "2026-12-04T09:00:00".into(),
                    end: "2026-12-04T10:00:00".into(),
                    busy_type: "Busy".into(),
                }],
                working_hours_bias: Some(-60),
            }),
            MailboxAnswer::Error(AvailabilityError {
                response_code: "ErrorProxyRequestProcessingFailed".into(),
                message_text: "Proxy web request failed. <&>".into(),
                exception_type: Some("x.ProxyWebRequestProcessingException".into()),
                exception_code: Some(5016),
                exception_server_name: Some("EX01".into()),
                response_source: None,
            }),
        ];
        let xml = render_response(&answers);
        assert_eq!(parse_response(xml.as_bytes()).expect("parse"), answers);
    }

    #[test]
    fn subjects_are_never_read_and_faults_are_errors() {
        let detailed = NO_ACCESS.replace(
            r#"<ResponseMessage ResponseClass="Error">"#,
            r#"<ResponseMessage ResponseClass="Success">"#,
        ).replace(
            "<FreeBusyViewType xmlns=\"http://schemas.microsoft.com/exchange/services/2006/types\">None</FreeBusyViewType>",
            r#"<FreeBusyViewType xmlns="http://schemas.microsoft.com/exchange/services/2006/types">Detailed</FreeBusyViewType><CalendarEventArray xmlns="http://schemas.microsoft.com/exchange/services/2006/types"><CalendarEvent><StartTime>a</StartTime><EndTime>b</EndTime><BusyType>Busy</BusyType><CalendarEventDetails><Subject>Secret merger</Subject></CalendarEventDetails></CalendarEvent></CalendarEventArray>"#,
        );
        let answers = parse_response(detailed.as_bytes()).expect("parse");
        let json = serde_json::to_string(&answers).expect("json");
        assert!(!json.contains("Secret"), "{json}");
        let fault = render_fault(
            "a:InvalidSecurity",
            "An error occurred when verifying security for the message.",
        );
        assert!(
            matches!(parse_response(fault.as_bytes()), Err(EwsError::SoapFault { code, .. }) if code == "a:InvalidSecurity")
        );
    }
}
