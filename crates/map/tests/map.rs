//! The map from real fixtures: statuses, layout guarantees, hostile text, determinism, PNG.

use fedshare_map::fixtures::{self, check, relationship};
use fedshare_map::{layout, map_svg, render_png, render_svg, Graph, LayoutOptions, NodeKind};
use fedshare_model::{CheckStatus, FreeBusyAccessLevel, StepKind};

fn svg_for(f: &fixtures::Fixture) -> String {
    map_svg(&f.state, &f.checks, &f.partners)
}

#[test]
fn statuses_come_from_the_checks_about_each_element() {
    let mut f = fixtures::contoso();
    f.checks.push(check(
        "relationship.target-uri",
        StepKind::OrganizationRelationships,
        CheckStatus::Failure,
        Some("Fabrikam"),
    ));
    f.checks.push(check(
        "trust.metadata-stale",
        StepKind::FederationTrust,
        CheckStatus::Warning,
        None,
    ));
    f.checks
        .retain(|c| c.subject.as_deref() != Some("Tailspin Toys"));
    let g = Graph::build(&f.state, &f.checks, &f.partners);

    let fabrikam = g.node("partner:fabrikam").expect("partner node");
    assert_eq!(fabrikam.status, CheckStatus::Failure);
    assert!(fabrikam
        .check_ids
        .contains(&"relationship.target-uri".to_owned()));
    assert_eq!(
        g.edge("relationship:fabrikam").expect("edge").status,
        CheckStatus::Failure
    );
    assert_eq!(g.node("trust").expect("trust").status, CheckStatus::Warning);
    assert_eq!(
        g.node("partner:adatum").expect("adatum").status,
        CheckStatus::Pass
    );
    assert_eq!(
        g.node("partner:tailspin toys").expect("tailspin").status,
        CheckStatus::NotChecked
    );
    assert_eq!(g.node("org").expect("org").status, CheckStatus::Pass);
    assert_eq!(
        g.node("autodiscover").expect("ad").label,
        "autodiscover.contoso.com"
    );
    assert!(g
        .node("partner:adatum")
        .expect("adatum")
        .subtitle
        .contains("EXO"));
    assert!(g
        .node("partner:fabrikam")
        .expect("fab")
        .subtitle
        .contains("on-prem"));
    let policy = g.node("policy:default sharing policy").expect("policy");
    assert_eq!(
        policy.status,
        CheckStatus::Pass,
        "its entries check is matched"
    );
    assert_eq!(policy.check_ids, ["policy.entries:Default Sharing Policy"]);
    assert!(policy
        .details
        .iter()
        .any(|d| d.value == "*:CalendarSharingFreeBusySimple"));
}

#[test]
fn labels_and_boxes_never_overlap_from_1_to_500_partners() {
    for n in [1, 10, 100, 500] {
        let f = fixtures::with_partners(n);
        let l = layout(
            &Graph::build(&f.state, &f.checks, &f.partners),
            &LayoutOptions::default(),
        );
        let boxes: Vec<_> = l.labels.iter().map(|x| x.bbox()).collect();
        for (i, a) in boxes.iter().enumerate() {
            for (j, b) in boxes.iter().enumerate().skip(i + 1) {
                assert!(
                    !a.intersects(b),
                    "n={n}: label {:?} overlaps {:?}",
                    l.labels[i].text,
                    l.labels[j].text
                );
            }
        }
        for (i, a) in l.nodes.iter().enumerate() {
            for b in l.nodes.iter().skip(i + 1) {
                assert!(
                    !a.rect.intersects(&b.rect),
                    "n={n}: box {} overlaps {}",
                    a.id,
                    b.id
                );
            }
        }
        for label in &l.labels {
            if let Some(owner) = label.owner {
                let r = l.nodes[owner].rect;
                let bb = label.bbox();
                assert!(
                    bb.x >= r.x
                        && bb.right() <= r.right()
                        && bb.y >= r.y
                        && bb.bottom() <= r.bottom(),
                    "n={n}: {:?} leaves its box",
                    label.text
                );
            }
            let bb = label.bbox();
            assert!(
                bb.right() <= l.width && bb.bottom() <= l.height,
                "n={n}: {:?} outside the canvas",
                label.text
            );
        }
    }
}

#[test]
fn many_partners_collapse_into_groups_and_problems_stay_visible() {
    let f = fixtures::with_partners(500);
    let g = Graph::build(&f.state, &f.checks, &f.partners);
    let l = layout(&g, &LayoutOptions::default());
    let shown = l
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Partner)
        .count();
    let groups: Vec<_> = l
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Group)
        .collect();
    assert!(
        shown <= 4 * LayoutOptions::default().visible_per_group,
        "{shown} partners drawn"
    );
    assert!(
        groups.iter().any(|n| n.id == "group:pass"),
        "healthy partners collapse"
    );
    let failing = g
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Partner && n.status == CheckStatus::Failure)
        .count();
    assert!(failing > 0);
    let svg = render_svg(&l);
    assert!(svg.contains(r#"data-id="group:pass""#));
    assert!(svg.contains("more (Pass)"));
    // Every collapsed partner is still named in its group's tooltip or counted in it.
    assert!(svg.contains("… and"));
}

#[test]
fn svg_is_deterministic_and_independent_of_input_order() {
    let f = fixtures::with_partners(120);
    let first = svg_for(&f);
    assert_eq!(first, svg_for(&f));
    let mut shuffled = f.clone();
    shuffled.state.organization_relationships.reverse();
    shuffled.state.sharing_policies.reverse();
    shuffled.checks.reverse();
    assert_eq!(first, svg_for(&shuffled));
}

#[test]
fn nodes_and_edges_carry_ids_kinds_and_status_classes() {
    let svg = svg_for(&fixtures::contoso());
    for needle in [
        r#"data-id="org" data-kind="organization""#,
        r#"data-id="trust" data-kind="trust""#,
        r#"data-id="autodiscover" data-kind="autodiscover""#,
        r#"data-id="partner:fabrikam" data-kind="partner""#,
        r#"data-id="relationship:fabrikam" data-kind="relationship""#,
        r#"data-id="policy:default sharing policy" data-kind="policy""#,
        r#"class="node kind-partner status-pass""#,
        "<title>Fabrikam\nStatus: Pass",
        "Legend",
    ] {
        assert!(svg.contains(needle), "missing {needle}");
    }
}

#[test]
fn hostile_partner_names_are_escaped_and_the_svg_stays_well_formed() {
    let mut f = fixtures::contoso();
    let hostile = [
        "<script>alert(1)</script>",
        "Tom & \"Jerry\" 'Inc'",
        "שותף בע\"מ \u{202E}moc.live",
        "]]><!--x-->\u{0}",
    ];
    for (i, name) in hostile.iter().enumerate() {
        let domain = format!("h{i}.example");
        f.state.organization_relationships.push(relationship(
            name,
            &[domain.as_str()],
            false,
            FreeBusyAccessLevel::AvailabilityOnly,
        ));
    }
    f.state.organization_name = "<b onload=alert(2)>Contoso</b>".into();
    let svg = svg_for(&f);
    assert!(
        !svg.to_lowercase().contains("<script"),
        "raw script tag in SVG"
    );
    assert!(
        !svg.contains("<b "),
        "raw markup from the organization name"
    );
    assert!(svg.contains("&lt;script&gt;"));
    assert!(svg.contains("Tom &amp; &quot;Jerry&quot; &#39;Inc&#39;"));
    assert!(svg.contains("שותף"), "RTL letters are kept");
    assert!(
        !svg.contains('\u{202E}') && !svg.contains('\u{0}'),
        "bidi override and NUL removed"
    );
    assert!(!svg.contains("<!--x"));
    // resvg's parser is strict XML: a parse proves the document is well formed.
    let png = render_png(&svg, 1.0).expect("hostile map renders");
    assert!(png.starts_with(b"\x89PNG"));
}

#[test]
fn png_has_the_svg_size_times_the_scale() {
    let f = fixtures::with_partners(10);
    let l = layout(
        &Graph::build(&f.state, &f.checks, &f.partners),
        &LayoutOptions::default(),
    );
    let png = render_png(&render_svg(&l), 2.0).expect("png");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let width = u32::from_be_bytes(png[16..20].try_into().expect("4 bytes"));
    let height = u32::from_be_bytes(png[20..24].try_into().expect("4 bytes"));
    assert_eq!(
        (width, height),
        (
            (l.width * 2.0).ceil() as u32,
            (l.height * 2.0).ceil() as u32
        )
    );
}

#[test]
fn an_oversized_png_is_refused_with_a_typed_error() {
    use fedshare_model::ErrorCode;
    let svg = svg_for(&fixtures::contoso());
    let err = render_png(&svg, 1000.0).expect_err("too large");
    assert_eq!(err.code(), "map.image_size");
}

#[test]
fn an_organization_without_trust_or_partners_still_draws() {
    let mut f = fixtures::contoso();
    f.state.federation_trust = None;
    f.state.organization_relationships.clear();
    f.state.sharing_policies.clear();
    let svg = svg_for(&f);
    assert!(svg.contains("No federation trust"));
    render_png(&svg, 1.0).expect("png");
}

#[test]
fn without_any_font_the_map_still_renders() {
    use fedshare_map::png::{render_png_with_fonts, usvg::fontdb::Database};
    let svg = svg_for(&fixtures::contoso());
    let bare = render_png_with_fonts(&svg, 1.0, std::sync::Arc::new(Database::new()))
        .expect("png without fonts");
    let full = render_png(&svg, 1.0).expect("png with fonts");
    assert!(bare.starts_with(b"\x89PNG"));
    assert_ne!(bare, full, "the system fonts add the text");
}

#[test]
fn long_names_wrap_inside_their_boxes_and_are_never_cut() {
    let mut f = fixtures::with_partners(30);
    let long = "Northwind Traders International Holdings LimitedDetails-partner.subsidiary.example";
    f.state.organization_relationships[0].name = long.into();
    f.state.sharing_policies[0].name =
        "Contoso sharing policy for CalendarSharingFreeBusyDetail and LimitedDetails partners"
            .into();
    let l = layout(
        &Graph::build(&f.state, &f.checks, &f.partners),
        &LayoutOptions::default(),
    );
    assert!(
        l.labels.iter().all(|x| !x.text.contains('…')),
        "a label was cut"
    );
    // The long name's box holds every character of it, over several lines.
    let owner = l
        .nodes
        .iter()
        .position(|n| n.tooltip.starts_with(long))
        .expect("the long partner's box");
    let lines: Vec<&str> = l
        .labels
        .iter()
        .filter(|x| x.owner == Some(owner) && x.bold)
        .map(|x| x.text.as_str())
        .collect();
    assert!(lines.len() > 1, "{lines:?}");
    assert_eq!(lines.concat().replace(' ', ""), long.replace(' ', ""));
    for (i, a) in l.nodes.iter().enumerate() {
        for b in l.nodes.iter().skip(i + 1) {
            assert!(!a.rect.intersects(&b.rect), "{} overlaps {}", a.id, b.id);
        }
    }
    for label in l.labels.iter().filter(|x| x.owner.is_some()) {
        let r = l.nodes[label.owner.unwrap()].rect;
        let bb = label.bbox();
        assert!(
            bb.right() <= r.right() && bb.bottom() <= r.bottom(),
            "{:?} leaves its box",
            label.text
        );
    }
}

#[test]
fn the_free_busy_proof_shows_on_its_relationship_edge() {
    let mut f = fixtures::contoso();
    let mut proof = check(
        "freebusy.proof:fabrikam.com",
        StepKind::OrganizationRelationships,
        CheckStatus::Failure,
        Some("fabrikam.com"),
    );
    proof.title = "Free/busy from contoso.com to fabrikam.com".into();
    proof.evidence[0].actual =
        "ErrorNoFreeBusyAccess / 5037: The caller does not have access to free/busy data.".into();
    f.checks.push(proof);
    let g = Graph::build(&f.state, &f.checks, &f.partners);
    let edge = g.edge("relationship:fabrikam").expect("edge");
    assert_eq!(
        edge.status,
        CheckStatus::Failure,
        "the failed proof marks the edge"
    );
    assert!(edge
        .check_ids
        .contains(&"freebusy.proof:fabrikam.com".to_owned()));
    let detail = edge
        .details
        .iter()
        .find(|d| d.name == "Free/busy from contoso.com to fabrikam.com")
        .expect("the proof's direction is a detail of the edge");
    assert!(
        detail
            .value
            .starts_with("failed: ErrorNoFreeBusyAccess / 5037"),
        "{}",
        detail.value
    );
    let adatum = g.edge("relationship:adatum").expect("edge");
    assert!(!adatum
        .details
        .iter()
        .any(|d| d.name.starts_with("Free/busy from")));
}
