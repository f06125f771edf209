//! The availability service of the lab's organizations, as Exchange 2013 runs it.
//!
//! Contoso's EWS (its `ExternalUrl` host) takes a signed-in user's `GetUserAvailability` and
//! runs the federated chain: the organization relationship for the target domain (enabled,
//! free/busy on, usable for the request dispatcher), a delegation token from the trust broker
//! for the requester's federated address, then the partner's `/EWS/Exchange.asmx/WSSecurity`
//! (derived from `TargetSharingEpr`, else from the host of `TargetAutodiscoverEpr`: the lab's
//! partners publish EWS where Autodiscover is). The partner checks the token (signature,
//! audience, the sender's timestamp within 5 minutes of its clock), maps the requester's
//! domain to its relationship with us, and answers from the mailbox's calendar. Every failure
//! carries Exchange's own `ResponseCode`, exception type and `ExceptionCode`.

use std::sync::{Arc, Weak};

use fedshare_ews::{AvailabilityError, AvailabilityQuery, BusySlot, FreeBusyData, MailboxAnswer};
use fedshare_exchange::ws_security_url;
use fedshare_labnet::{AvailabilityService, Caller, LocalStep, MailboxStep, RemoteStep};
use fedshare_model::FreeBusyAccessLevel;
use time::OffsetDateTime;

use crate::breaks::Break;
use crate::live::LiveWorld;
use crate::partners::Partner;
use crate::token::{self, Claims};
use crate::views;
use crate::world::{Relationship, World};

const AVAILABILITY: &str = "Microsoft.Exchange.InfoWorker.Common.Availability.";
/// WS-Security's allowed clock difference between sender and receiver.
const MAX_SKEW_SECONDS: i64 = 5 * 60;
const VERIFYING_SECURITY: &str = "An error occurred when verifying security for the message.";
const PROCESSING_TOKENS: &str =
    "An error occurred when processing the security tokens in the message.";

/// The service the lab network asks; it reads the running world.
#[derive(Debug)]
pub struct LabAvailability {
    live: Weak<LiveWorld>,
}

impl LabAvailability {
    pub fn new(live: &Arc<LiveWorld>) -> Self {
        Self {
            live: Arc::downgrade(live),
        }
    }

    fn world(&self) -> Option<World> {
        self.live.upgrade().map(|l| l.snapshot())
    }
}

impl AvailabilityService for LabAvailability {
    fn local(&self, host: &str, caller: Option<&Caller>, query: &AvailabilityQuery) -> LocalStep {
        match self.world() {
            Some(world) => local(&world, host, caller, query, OffsetDateTime::now_utc()),
            None => LocalStep::NotServed,
        }
    }

    fn remote(&self, domain: &str, query: &AvailabilityQuery) -> RemoteStep {
        match self.world() {
            Some(world) => remote(&world, domain, query, OffsetDateTime::now_utc()),
            None => RemoteStep::NotServed,
        }
    }
}

fn error(
    response_code: &str,
    exception: &str,
    code: Option<u32>,
    text: String,
    server: &str,
) -> MailboxAnswer {
    MailboxAnswer::Error(AvailabilityError {
        response_code: response_code.to_owned(),
        message_text: text,
        exception_type: Some(format!("{AVAILABILITY}{exception}")),
        exception_code: code,
        exception_server_name: Some(server.to_owned()),
        response_source: None,
    })
}

fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', ':', '?']).next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Our EWS: `host` must be the web services virtual directory's.
pub fn local(
    world: &World,
    host: &str,
    caller: Option<&Caller>,
    query: &AvailabilityQuery,
    now: OffsetDateTime,
) -> LocalStep {
    let ews = world
        .virtual_directories
        .web_services
        .external_url
        .as_deref();
    if ews.and_then(url_host).as_deref() != Some(host) {
        return LocalStep::NotServed;
    }
    let Some(signed_in) = caller.and_then(|c| resolve_account(world, &c.user)) else {
        return LocalStep::Unauthorized;
    };
    let server = world.server.clone();
    let requester = match &query.impersonate {
        // The lab gives the Administrator account the ApplicationImpersonation role.
        Some(other) if !signed_in.eq_ignore_ascii_case(other) => {
            let admin = world
                .mailboxes
                .first()
                .is_some_and(|m| m.primary_smtp_address.eq_ignore_ascii_case(&signed_in));
            if !admin || world.mailbox_index(other).is_none() {
                let denied = MailboxAnswer::Error(AvailabilityError {
                    response_code: "ErrorImpersonateUserDenied".into(),
                    message_text:
                        "The account does not have permission to impersonate the requested user."
                            .into(),
                    exception_type: None,
                    exception_code: None,
                    exception_server_name: Some(server.clone()),
                    response_source: None,
                });
                return LocalStep::Mailboxes(
                    query
                        .mailboxes
                        .iter()
                        .map(|_| MailboxStep::Answer(denied.clone()))
                        .collect(),
                );
            }
            other.to_ascii_lowercase()
        }
        _ => signed_in,
    };
    let steps = query
        .mailboxes
        .iter()
        .map(|target| local_step(world, &requester, target, query, now, &server))
        .collect();
    LocalStep::Mailboxes(steps)
}

/// The signed-in account's primary address: `alexw`, `alexw@contoso.com`, `CONTOSO\alexw`.
fn resolve_account(world: &World, user: &str) -> Option<String> {
    let name = user.rsplit_once('\\').map_or(user, |(_, n)| n);
    let index = world.mailbox_index(name)?;
    Some(
        world.mailboxes[index]
            .primary_smtp_address
            .to_ascii_lowercase(),
    )
}

fn domain_of(address: &str) -> String {
    address
        .rsplit_once('@')
        .map(|(_, d)| d)
        .unwrap_or_default()
        .to_ascii_lowercase()
}

fn local_step(
    world: &World,
    requester: &str,
    target: &str,
    query: &AvailabilityQuery,
    now: OffsetDateTime,
    server: &str,
) -> MailboxStep {
    let answer = |a: MailboxAnswer| MailboxStep::Answer(a);
    let domain = domain_of(target);
    let federated = &world.organization_identifier.domains;
    if !federated
        .iter()
        .any(|d| d.domain.eq_ignore_ascii_case(&domain_of(requester)))
    {
        return answer(MailboxAnswer::Error(AvailabilityError {
            response_code: "ErrorUserWithoutFederatedProxyAddress".into(),
            message_text: "The requester's organization has a set of federated domains but the requester does not have any SMTP proxy addresses with one of the federated domains.".into(),
            exception_type: None,
            exception_code: None,
            exception_server_name: Some(server.to_owned()),
            response_source: None,
        }));
    }
    let relationships = views::effective_relationships(world);
    let covering: Vec<&Relationship> = relationships
        .iter()
        .filter(|r| {
            r.domain_names
                .iter()
                .any(|d| d.eq_ignore_ascii_case(&domain))
        })
        .collect();
    if covering.is_empty() {
        return answer(error(
            "ErrorMailRecipientNotFound",
            "MailRecipientNotFoundException",
            Some(5009),
            format!("Unable to resolve e-mail address {target} to an Active Directory object."),
            server,
        ));
    }
    let Some(rel) = covering
        .iter()
        .find(|r| r.enabled && r.free_busy_access_enabled)
    else {
        return answer(error(
            "ErrorAutoDiscoverFailed",
            "AutoDiscoverFailedException",
            Some(5039),
            format!("Configuration information for forest/domain {domain} could not be found in Active Directory."),
            server,
        ));
    };
    let (Some(audience), Some(url)) = (rel.target_application_uri.clone(), partner_ews_url(rel))
    else {
        return answer(error(
            "ErrorMailRecipientNotFound",
            "InvalidOrganizationRelationshipForRequestDispatcherException",
            Some(5047),
            format!("The organization relationship {} can't be used. Please confirm that the organization relationship is configured correctly.", rel.name),
            server,
        ));
    };
    if let Some(refused) = token_refused(world, now) {
        return answer(error(
            "ErrorAutoDiscoverFailed",
            "AutoDiscoverFailedException",
            Some(5039),
            format!("Autodiscover failed for email address {target} with error Microsoft.Exchange.Net.WSTrust.SoapFaultException: Soap fault exception received. {refused}"),
            server,
        ));
    }
    if world.has_break(Break::GatewayUnreachable) {
        return answer(error(
            "ErrorProxyRequestProcessingFailed",
            "ProxyWebRequestProcessingException",
            Some(5016),
            "Proxy web request failed. , inner exception: Failed to communicate with https://login.microsoftonline.com/extSTS.srf., inner exception: Unable to connect to the remote server.".into(),
            server,
        ));
    }
    let broker_now = now.unix_timestamp();
    let claims = Claims {
        sub: requester.to_owned(),
        aud: audience,
        exp: broker_now + token::LIFETIME_SECONDS,
    };
    let sent_at = now + time::Duration::seconds(views::clock_offset_seconds(world));
    let mut partner_query = query.clone();
    partner_query.mailboxes = vec![target.to_owned()];
    partner_query.impersonate = None;
    partner_query.security = Some(fedshare_ews::SecurityHeader {
        token: token::issue(&crate::gateway::signing(world), &claims),
        created: crate::timefmt::rfc3339(sent_at),
    });
    MailboxStep::Proxy {
        url,
        query: partner_query,
        server_name: server.to_owned(),
    }
}

/// The partner's EWS: `TargetSharingEpr` when set (Autodiscover is then skipped), else the
/// EWS beside the Autodiscover the relationship points at.
fn partner_ews_url(rel: &Relationship) -> Option<String> {
    if let Some(epr) = rel.target_sharing_epr.as_deref().filter(|e| !e.is_empty()) {
        return Some(ws_security_url(epr));
    }
    let host = rel.target_autodiscover_epr.as_deref().and_then(url_host)?;
    Some(format!("https://{host}/EWS/Exchange.asmx/WSSecurity"))
}

/// Why the broker refuses a delegation token to our organization, if it does.
fn token_refused(world: &World, now: OffsetDateTime) -> Option<&'static str> {
    let Some(trust) = world.trust() else {
        return Some("(no federation trust)");
    };
    let thumbprint = trust.org_priv_certificate.as_deref()?;
    let Some(cert) = world.certificate(thumbprint) else {
        return Some("(the federation certificate is not on this server)");
    };
    let cert = views::effective_certificate(world, cert, now);
    match crate::timefmt::parse(&cert.not_after) {
        Some(not_after) if not_after < now => Some("(the federation certificate has expired)"),
        _ => None,
    }
}

/// A partner's `/EWS/Exchange.asmx/WSSecurity`.
pub fn remote(
    world: &World,
    domain: &str,
    query: &AvailabilityQuery,
    now: OffsetDateTime,
) -> RemoteStep {
    let partners = views::effective_partners(world);
    let Some(partner) = partners.iter().find(|p| p.has_domain(domain)) else {
        return RemoteStep::NotServed;
    };
    let Some(security) = &query.security else {
        return RemoteStep::NotServed;
    };
    let created = crate::timefmt::parse(&security.created);
    if created.is_none_or(|c| (c - now).whole_seconds().abs() > MAX_SKEW_SECONDS) {
        return RemoteStep::SecurityFault(VERIFYING_SECURITY.into());
    }
    let claims = token::verify(&crate::gateway::signing(world), &security.token)
        .filter(|c| c.aud.eq_ignore_ascii_case(&partner.application_uri))
        .filter(|c| c.exp >= now.unix_timestamp());
    let Some(claims) = claims else {
        return RemoteStep::SecurityFault(PROCESSING_TOKENS.into());
    };
    let server = partner_server(partner);
    let answers = query
        .mailboxes
        .iter()
        .map(|target| partner_answer(partner, &claims.sub, target, query, &server))
        .collect();
    RemoteStep::Answer(answers)
}

fn partner_server(partner: &Partner) -> String {
    let prefix: String = partner
        .name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(3)
        .collect();
    format!("{}EX01", prefix.to_ascii_uppercase())
}

fn partner_answer(
    partner: &Partner,
    requester: &str,
    target: &str,
    query: &AvailabilityQuery,
    server: &str,
) -> MailboxAnswer {
    let no_access = || {
        error(
            "ErrorNoFreeBusyAccess",
            "NoFreeBusyAccessException",
            Some(5037),
            "The caller does not have access to free/busy data.".into(),
            server,
        )
    };
    let requester_domain = domain_of(requester);
    let granted = partner.relationship_to_us.as_ref().is_some_and(|r| {
        r.free_busy_access_enabled
            && r.free_busy_access_level != FreeBusyAccessLevel::None
            && r.domain_names
                .iter()
                .any(|d| d.eq_ignore_ascii_case(&requester_domain))
    });
    if !granted {
        return no_access();
    }
    let Some(mailbox) = partner
        .mailboxes
        .iter()
        .find(|m| m.primary_smtp_address.eq_ignore_ascii_case(target))
    else {
        return error(
            "ErrorMailRecipientNotFound",
            "MailRecipientNotFoundException",
            Some(5009),
            format!("Unable to resolve e-mail address {target} to an Active Directory object."),
            server,
        );
    };
    if mailbox.calendar_default == FreeBusyAccessLevel::None {
        return no_access();
    }
    let day = query.day;
    let at = |minute: u32| format!("{day}T{:02}:{:02}:00", minute / 60, minute % 60);
    MailboxAnswer::FreeBusy(FreeBusyData {
        // The server gives at most what was asked: the proof asks for FreeBusy.
        view_type: "FreeBusy".into(),
        merged: None,
        slots: mailbox
            .daily
            .iter()
            .map(|(start, end, busy)| BusySlot {
                start: at(*start),
                end: at(*end),
                busy_type: busy.clone(),
            })
            .collect(),
        working_hours_bias: Some(mailbox.time_zone_bias),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partners::FABRIKAM_MAILBOX;

    fn partner_query(
        world: &World,
        aud: &str,
        created: OffsetDateTime,
        to: &str,
    ) -> AvailabilityQuery {
        let mut q = AvailabilityQuery::one_day(to, created.date()).expect("address");
        let claims = Claims {
            sub: "alexw@contoso.com".into(),
            aud: aud.into(),
            exp: created.unix_timestamp() + token::LIFETIME_SECONDS,
        };
        q.security = Some(fedshare_ews::SecurityHeader {
            token: token::issue(&crate::gateway::signing(world), &claims),
            created: crate::timefmt::rfc3339(created),
        });
        q
    }

    fn code(step: RemoteStep) -> Option<u32> {
        match step {
            RemoteStep::Answer(a) => match a.as_slice() {
                [MailboxAnswer::Error(e)] => e.exception_code,
                [MailboxAnswer::FreeBusy(_)] => Some(0),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn fabrikam_answers_a_valid_token_and_refuses_what_exchange_refuses() {
        let mut world = World::contoso(0);
        let now = OffsetDateTime::now_utc();
        let aud = "FYDIBOHF25SPDLT.fabrikam.com";
        let ok = partner_query(&world, aud, now, FABRIKAM_MAILBOX);
        let RemoteStep::Answer(answers) = remote(&world, "fabrikam.com", &ok, now) else {
            panic!("no answer")
        };
        let [MailboxAnswer::FreeBusy(data)] = answers.as_slice() else {
            panic!("{answers:?}")
        };
        assert_eq!(data.view_type, "FreeBusy");
        assert_eq!(data.slots.len(), 3);
        assert!(data.slots[0].start.starts_with(&now.date().to_string()));

        let unknown = partner_query(&world, aud, now, "nobody@fabrikam.com");
        assert_eq!(
            code(remote(&world, "fabrikam.com", &unknown, now)),
            Some(5009)
        );

        // The sender's clock 7 minutes ahead: WS-Security refuses the message.
        let skewed = partner_query(
            &world,
            aud,
            now + time::Duration::minutes(7),
            FABRIKAM_MAILBOX,
        );
        assert!(matches!(
            remote(&world, "fabrikam.com", &skewed, now),
            RemoteStep::SecurityFault(m) if m == VERIFYING_SECURITY
        ));
        // A token for another audience cannot be processed.
        let other = partner_query(
            &world,
            "FYDIBOHF25SPDLT.tailspintoys.com",
            now,
            FABRIKAM_MAILBOX,
        );
        assert!(matches!(
            remote(&world, "fabrikam.com", &other, now),
            RemoteStep::SecurityFault(m) if m == PROCESSING_TOKENS
        ));
        // No token at all: the anonymous caller's fault, as before.
        let mut anonymous = ok.clone();
        anonymous.security = None;
        assert_eq!(
            remote(&world, "fabrikam.com", &anonymous, now),
            RemoteStep::NotServed
        );

        world.breaks.push(Break::PartnerNoAccess);
        assert_eq!(code(remote(&world, "fabrikam.com", &ok, now)), Some(5037));
    }

    #[test]
    fn our_ews_wants_a_known_account_on_its_own_host() {
        let world = World::contoso(0);
        let now = OffsetDateTime::now_utc();
        let q = AvailabilityQuery::one_day(FABRIKAM_MAILBOX, now.date()).expect("address");
        let alex = Caller {
            user: "CONTOSO\\alexw".into(),
        };
        assert_eq!(
            local(&world, "autodiscover.contoso.com", Some(&alex), &q, now),
            LocalStep::NotServed
        );
        assert_eq!(
            local(&world, "mail.contoso.com", None, &q, now),
            LocalStep::Unauthorized
        );
        let stranger = Caller {
            user: "mallory".into(),
        };
        assert_eq!(
            local(&world, "mail.contoso.com", Some(&stranger), &q, now),
            LocalStep::Unauthorized
        );
        // Not federated yet: the requester has no address in a federated domain.
        let LocalStep::Mailboxes(steps) = local(&world, "mail.contoso.com", Some(&alex), &q, now)
        else {
            panic!("no steps")
        };
        assert!(matches!(
            steps.as_slice(),
            [MailboxStep::Answer(MailboxAnswer::Error(e))] if e.response_code == "ErrorUserWithoutFederatedProxyAddress"
        ));
    }
}
