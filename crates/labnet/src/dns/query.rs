//! Answering standard queries the way an authoritative server does (RFC 1034 §4.3.2,
//! RFC 2308 negative answers, RFC 6604 rcode after CNAME chains).

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::{DNSClass, Name, RData, RecordType};

use super::store::ZoneStore;

/// A chain longer than this is treated as a loop; real servers stop at similar depths.
const MAX_CNAME_CHAIN: usize = 12;

/// Fills `response` (already carrying the question) with the answer to `request`'s question.
pub(crate) fn answer(store: &ZoneStore, request: &Message, response: &mut Message) {
    let [query] = request.queries.as_slice() else {
        response.metadata.response_code = ResponseCode::FormErr;
        return;
    };
    if !matches!(query.query_class(), DNSClass::IN | DNSClass::ANY) {
        response.metadata.response_code = ResponseCode::Refused;
        return;
    }
    let qtype = query.query_type();
    let mut name = query.name().to_lowercase();
    let mut visited: Vec<Name> = Vec::new();

    loop {
        // Names we are not authoritative for: REFUSED for the question itself, and a
        // chain that leaves our zones simply ends (the resolver follows it elsewhere).
        let Some(zone) = store.find_zone(&name) else {
            if visited.is_empty() {
                response.metadata.response_code = ResponseCode::Refused;
            }
            return;
        };
        response.metadata.authoritative = true;

        let rrset = zone.rrset(&name, qtype);
        if !rrset.is_empty() {
            response.answers.extend(rrset.into_iter().cloned());
            return;
        }
        let cname = zone.rrset(&name, RecordType::CNAME).into_iter().next();
        if let Some(cname) = cname {
            response.answers.push(cname.clone());
            visited.push(name.clone());
            let RData::CNAME(target) = &cname.data else {
                return;
            };
            let target = target.0.to_lowercase();
            if visited.contains(&target) || visited.len() >= MAX_CNAME_CHAIN {
                return;
            }
            name = target;
            continue;
        }
        if !zone.name_exists(&name) {
            response.metadata.response_code = ResponseCode::NXDomain;
        }
        response.authorities.extend(zone.negative_soa());
        return;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zone::{RecordData, RecordKind, ZoneData};
    use hickory_proto::op::{MessageType, OpCode, Query};

    fn store() -> ZoneStore {
        let rec = RecordData::new;
        ZoneStore::new(vec![
            ZoneData {
                origin: "fabrikam.com".into(),
                records: vec![
                    rec("autodiscover", 300, RecordKind::Cname, "mail.fabrikam.com."),
                    rec("mail", 300, RecordKind::Cname, "exo.outlook.com."),
                    rec("loop1", 300, RecordKind::Cname, "loop2.fabrikam.com."),
                    rec("loop2", 300, RecordKind::Cname, "loop1.fabrikam.com."),
                    rec("away", 300, RecordKind::Cname, "somewhere.example."),
                    rec("dangling", 300, RecordKind::Cname, "nothing.fabrikam.com."),
                    rec("x.deep", 300, RecordKind::A, "127.0.0.1"),
                ],
            },
            ZoneData {
                origin: "outlook.com".into(),
                records: vec![rec("exo", 300, RecordKind::A, "127.0.0.1")],
            },
        ])
        .unwrap()
    }

    fn ask(name: &str, qtype: RecordType) -> Message {
        let mut request = Message::new(7, MessageType::Query, OpCode::Query);
        request.add_query(Query::query(Name::from_ascii(name).unwrap(), qtype));
        let mut response = Message::response(7, OpCode::Query);
        response.add_queries(request.queries.clone());
        answer(&store(), &request, &mut response);
        response
    }

    #[test]
    fn cname_chain_is_followed_across_served_zones() {
        let r = ask("autodiscover.fabrikam.com.", RecordType::A);
        assert_eq!(r.response_code, ResponseCode::NoError);
        let types: Vec<RecordType> = r.answers.iter().map(|a| a.record_type()).collect();
        assert_eq!(types, [RecordType::CNAME, RecordType::CNAME, RecordType::A]);
        assert!(r.authoritative);
        let only_cname = ask("autodiscover.fabrikam.com.", RecordType::CNAME);
        assert_eq!(
            only_cname.answers.len(),
            1,
            "CNAME queries stop at the alias"
        );
    }

    #[test]
    fn loops_stop_and_foreign_targets_end_the_chain() {
        let r = ask("loop1.fabrikam.com.", RecordType::A);
        assert_eq!(r.answers.len(), 2);
        let away = ask("away.fabrikam.com.", RecordType::A);
        assert_eq!(away.answers.len(), 1);
        assert_eq!(away.response_code, ResponseCode::NoError);
    }

    #[test]
    fn nxdomain_nodata_and_refused_are_distinguished() {
        let nx = ask("nope.fabrikam.com.", RecordType::A);
        assert_eq!(nx.response_code, ResponseCode::NXDomain);
        assert_eq!(nx.authorities[0].record_type(), RecordType::SOA);
        let nodata = ask("x.deep.fabrikam.com.", RecordType::TXT);
        assert_eq!(nodata.response_code, ResponseCode::NoError);
        assert!(nodata.answers.is_empty());
        assert_eq!(nodata.authorities.len(), 1);
        let ent = ask("deep.fabrikam.com.", RecordType::A);
        assert_eq!(
            ent.response_code,
            ResponseCode::NoError,
            "empty non-terminal"
        );
        let dangling = ask("dangling.fabrikam.com.", RecordType::A);
        assert_eq!(dangling.response_code, ResponseCode::NXDomain, "RFC 6604");
        assert_eq!(dangling.answers.len(), 1);
        let refused = ask("contoso.org.", RecordType::A);
        assert_eq!(refused.response_code, ResponseCode::Refused);
        assert!(!refused.authoritative);
    }
}
