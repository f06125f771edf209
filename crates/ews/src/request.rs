//! The request: one day of one partner mailbox's availability, `FreeBusy` view (no subjects),
//! in UTC (the `TimeZone` element is required; UTC keeps the window unambiguous).

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use crate::xml::{self, child, children, text_of};
use crate::{EwsError, MESSAGES_NS, SOAP_NS, TYPES_NS, WSSE_NS, WSU_NS};

/// `RequestedView`. The proof asks for `FreeBusy`: busy times without details, whatever the
/// partner grants. The server answers with "the maximum amount of information for which the
/// requesting user is privileged" up to what was asked, so `FreeBusy` never brings subjects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestedView {
    FreeBusy,
    FreeBusyMerged,
    Detailed,
    DetailedMerged,
    MergedOnly,
}

impl RequestedView {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestedView::FreeBusy => "FreeBusy",
            RequestedView::FreeBusyMerged => "FreeBusyMerged",
            RequestedView::Detailed => "Detailed",
            RequestedView::DetailedMerged => "DetailedMerged",
            RequestedView::MergedOnly => "MergedOnly",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [
            RequestedView::FreeBusy,
            RequestedView::FreeBusyMerged,
            RequestedView::Detailed,
            RequestedView::DetailedMerged,
            RequestedView::MergedOnly,
        ]
        .into_iter()
        .find(|v| v.as_str() == text)
    }
}

/// One `GetUserAvailability` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvailabilityQuery {
    pub mailboxes: Vec<String>,
    /// The UTC day asked about (00:00 to 00:00 the next day).
    pub day: Date,
    pub view: RequestedView,
    /// `ExchangeImpersonation`: ask as this user while signed in as another (needs the
    /// ApplicationImpersonation role).
    pub impersonate: Option<String>,
    /// What a partner request carries in `wsse:Security`: the delegation token (opaque text
    /// here) and the sender's `wsu:Timestamp/Created`.
    pub security: Option<SecurityHeader>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityHeader {
    pub token: String,
    /// RFC 3339, from the sending server's clock.
    pub created: String,
}

/// A plain `local@domain` address: the only text of the user's that enters the envelope.
pub fn is_smtp_address(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%*+-/=?^_`{|}~.".contains(&b));
    let domain_ok = domain.len() <= 253
        && domain.contains('.')
        && domain.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    local_ok && domain_ok
}

impl AvailabilityQuery {
    /// The proof's request: `mailbox`'s free/busy on `day`, `FreeBusy` view.
    pub fn one_day(mailbox: &str, day: Date) -> Result<Self, EwsError> {
        if !is_smtp_address(mailbox) {
            return Err(EwsError::InvalidAddress(mailbox.to_owned()));
        }
        Ok(Self {
            mailboxes: vec![mailbox.to_owned()],
            day,
            view: RequestedView::FreeBusy,
            impersonate: None,
            security: None,
        })
    }

    fn window(&self) -> (String, String) {
        let end = self.day.saturating_add(Duration::days(1));
        (format!("{}T00:00:00", self.day), format!("{end}T00:00:00"))
    }

    /// The SOAP envelope (values escaped; addresses were validated).
    pub fn to_envelope(&self) -> String {
        let (start, end) = self.window();
        let mut header = String::from(r#"<t:RequestServerVersion Version="Exchange2013"/>"#);
        if let Some(user) = &self.impersonate {
            header.push_str(&format!(
                "<t:ExchangeImpersonation><t:ConnectingSID><t:PrimarySmtpAddress>{}</t:PrimarySmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>",
                xml::escape(user)
            ));
        }
        if let Some(sec) = &self.security {
            header.push_str(&format!(
                r#"<wsse:Security xmlns:wsse="{WSSE_NS}" xmlns:wsu="{WSU_NS}"><wsu:Timestamp><wsu:Created>{}</wsu:Created></wsu:Timestamp><wsse:BinarySecurityToken>{}</wsse:BinarySecurityToken></wsse:Security>"#,
                xml::escape(&sec.created),
                xml::escape(&sec.token)
            ));
        }
        let zone = "<t:Bias>0</t:Bias><t:Time>00:00:00</t:Time><t:DayOrder>1</t:DayOrder><t:Month>1</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek>";
        let mailboxes: String = self
            .mailboxes
            .iter()
            .map(|m| {
                format!(
                    "<t:MailboxData><t:Email><t:Address>{}</t:Address></t:Email><t:AttendeeType>Required</t:AttendeeType><t:ExcludeConflicts>false</t:ExcludeConflicts></t:MailboxData>",
                    xml::escape(m)
                )
            })
            .collect();
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP_NS}" xmlns:m="{MESSAGES_NS}" xmlns:t="{TYPES_NS}"><soap:Header>{header}</soap:Header><soap:Body><m:GetUserAvailabilityRequest><t:TimeZone><t:Bias>0</t:Bias><t:StandardTime>{zone}</t:StandardTime><t:DaylightTime>{zone}</t:DaylightTime></t:TimeZone><m:MailboxDataArray>{mailboxes}</m:MailboxDataArray><t:FreeBusyViewOptions><t:TimeWindow><t:StartTime>{start}</t:StartTime><t:EndTime>{end}</t:EndTime></t:TimeWindow><t:MergedFreeBusyIntervalInMinutes>30</t:MergedFreeBusyIntervalInMinutes><t:RequestedView>{}</t:RequestedView></t:FreeBusyViewOptions></m:GetUserAvailabilityRequest></soap:Body></soap:Envelope>"#,
            self.view.as_str()
        )
    }

    /// Reads a request (the lab's EWS endpoints). The window must be whole UTC days starting
    /// at midnight; the lab answers for its first day.
    pub fn parse(body: &[u8]) -> Result<Self, EwsError> {
        let text = xml::utf8(body)?;
        let doc = xml::parse(text)?;
        let envelope = doc.root_element();
        if !envelope.has_tag_name((SOAP_NS, "Envelope")) {
            return Err(EwsError::Unexpected("no SOAP envelope".into()));
        }
        let header = child(envelope, SOAP_NS, "Header");
        let body = child(envelope, SOAP_NS, "Body")
            .ok_or_else(|| EwsError::Unexpected("no SOAP body".into()))?;
        let request = child(body, MESSAGES_NS, "GetUserAvailabilityRequest")
            .ok_or_else(|| EwsError::Unexpected("not a GetUserAvailabilityRequest".into()))?;
        let mailboxes: Vec<String> = child(request, MESSAGES_NS, "MailboxDataArray")
            .map(|array| {
                children(array, TYPES_NS, "MailboxData")
                    .filter_map(|m| child(m, TYPES_NS, "Email"))
                    .filter_map(|e| text_of(e, TYPES_NS, "Address"))
                    .collect()
            })
            .unwrap_or_default();
        let options = child(request, TYPES_NS, "FreeBusyViewOptions")
            .ok_or_else(|| EwsError::Unexpected("no FreeBusyViewOptions".into()))?;
        let start = child(options, TYPES_NS, "TimeWindow")
            .and_then(|w| text_of(w, TYPES_NS, "StartTime"))
            .ok_or_else(|| EwsError::Unexpected("no TimeWindow".into()))?;
        let day = parse_day(&start)?;
        let view = text_of(options, TYPES_NS, "RequestedView")
            .and_then(|v| RequestedView::parse(&v))
            .unwrap_or(RequestedView::FreeBusy);
        let impersonate = header
            .and_then(|h| child(h, TYPES_NS, "ExchangeImpersonation"))
            .and_then(|i| child(i, TYPES_NS, "ConnectingSID"))
            .and_then(|s| text_of(s, TYPES_NS, "PrimarySmtpAddress"));
        let security = header
            .and_then(|h| child(h, WSSE_NS, "Security"))
            .map(|s| SecurityHeader {
                token: text_of(s, WSSE_NS, "BinarySecurityToken").unwrap_or_default(),
                created: child(s, WSU_NS, "Timestamp")
                    .and_then(|t| text_of(t, WSU_NS, "Created"))
                    .unwrap_or_default(),
            });
        Ok(Self {
            mailboxes,
            day,
            view,
            impersonate,
            security,
        })
    }
}

fn parse_day(start: &str) -> Result<Date, EwsError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    start
        .get(..10)
        .and_then(|d| Date::parse(d, format).ok())
        .ok_or_else(|| EwsError::Unexpected(format!("StartTime {start:?} is not a date")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_round_trips_and_asks_for_one_day_of_free_busy() {
        let day = time::macros::date!(2026 - 12 - 04);
        let mut q = AvailabilityQuery::one_day("lidiah@fabrikam.com", day).expect("address");
        q.impersonate = Some("alexw@contoso.com".into());
        let xml = q.to_envelope();
        assert!(xml.contains("<t:StartTime>2026-12-04T00:00:00</t:StartTime>"));
        assert!(xml.contains("<t:EndTime>2026-12-05T00:00:00</t:EndTime>"));
        assert!(xml.contains("<t:RequestedView>FreeBusy</t:RequestedView>"));
        let back = AvailabilityQuery::parse(xml.as_bytes()).expect("parse");
        assert_eq!(back, q);
    }

    #[test]
    fn only_plain_addresses_enter_the_envelope() {
        let day = time::macros::date!(2026 - 12 - 04);
        assert!(AvailabilityQuery::one_day("a<b>@x.com", day).is_err());
        assert!(AvailabilityQuery::one_day("alexw", day).is_err());
        assert!(AvailabilityQuery::one_day("alexw@contoso", day).is_err());
        assert!(is_smtp_address("first.last+x@sub.contoso.com"));
    }

    #[test]
    fn a_dtd_is_refused() {
        let evil = br#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>"#;
        assert!(matches!(AvailabilityQuery::parse(evil), Err(EwsError::Dtd)));
    }
}
