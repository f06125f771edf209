//! Reading SOAP with roxmltree: DTDs refused (its default), a node budget, and text escaped on
//! the way out.

use roxmltree::{Document, Node, ParsingOptions};

use crate::EwsError;

/// Far above any one-day, one-mailbox answer; bounds the work a hostile document can cause.
const NODES_LIMIT: u32 = 200_000;

pub(crate) fn parse(text: &str) -> Result<Document<'_>, EwsError> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: NODES_LIMIT,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => EwsError::Dtd,
        other => EwsError::Malformed(other.to_string()),
    })
}

pub(crate) fn utf8(body: &[u8]) -> Result<&str, EwsError> {
    std::str::from_utf8(body).map_err(|_| EwsError::Malformed("not UTF-8".into()))
}

pub(crate) fn child<'a, 'i>(node: Node<'a, 'i>, ns: &str, name: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.has_tag_name((ns, name)))
}

pub(crate) fn children<'a, 'i>(
    node: Node<'a, 'i>,
    ns: &'a str,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children()
        .filter(move |c| c.is_element() && c.has_tag_name((ns, name)))
}

pub(crate) fn text_of(node: Node<'_, '_>, ns: &str, name: &str) -> Option<String> {
    child(node, ns, name)
        .and_then(|n| n.text())
        .map(|t| t.trim().to_owned())
}

pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}
