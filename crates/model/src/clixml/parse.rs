//! Reading CLIXML into [`PsValue`]s: the grammar PowerShell's serializer writes (MS-PSRP 2.2.5,
//! `System.Management.Automation.Serializer`), and nothing else.
//!
//! The input comes from another machine, so it is treated as hostile: a DTD is refused (no
//! entity expansion), nesting is limited, and `<Ref>` back-references, which clone an earlier
//! object, count against a budget of values so a chain of references cannot blow up memory.

use std::collections::HashMap;

use base64::Engine as _;
use roxmltree::Node;

use super::{PsObject, PsValue};
use crate::error::ErrorCode;

/// The largest document accepted (a server's full `Get-ExchangeServer` object is ~110 KB).
pub const MAX_DOCUMENT_BYTES: usize = 32 * 1024 * 1024;
/// The deepest nesting of objects accepted. PowerShell's own reader stops at 50-ish levels in
/// practice, and remoting writes depth 1-2.
pub const MAX_DEPTH: usize = 64;
/// The most values one document may produce, references expanded.
pub const MAX_VALUES: usize = 2_000_000;
/// XML nodes roxmltree may build for one document.
const MAX_XML_NODES: u32 = 4_000_000;

/// Why a CLIXML document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClixmlError {
    #[error("the CLIXML document is not well-formed XML: {0}")]
    Xml(String),
    #[error("the CLIXML document has an unexpected shape: {0}")]
    Shape(String),
    #[error("the CLIXML document declares a DTD, which PowerShell never writes; it was refused")]
    Dtd,
    #[error("the CLIXML document nests objects deeper than {MAX_DEPTH} levels; it was refused")]
    TooDeep,
    #[error("the CLIXML document is too large ({0}); it was refused")]
    TooLarge(String),
}

impl ErrorCode for ClixmlError {
    fn code(&self) -> &'static str {
        match self {
            ClixmlError::Xml(_) => "clixml.not_xml",
            ClixmlError::Shape(_) => "clixml.shape",
            ClixmlError::Dtd => "clixml.dtd_refused",
            ClixmlError::TooDeep => "clixml.too_deep",
            ClixmlError::TooLarge(_) => "clixml.too_large",
        }
    }
}

fn shape(message: impl Into<String>) -> ClixmlError {
    ClixmlError::Shape(message.into())
}

/// The top-level objects of one `<Objs>` document.
pub fn parse(document: &str) -> Result<Vec<PsValue>, ClixmlError> {
    if document.len() > MAX_DOCUMENT_BYTES {
        return Err(ClixmlError::TooLarge(format!(
            "{} bytes, the limit is {MAX_DOCUMENT_BYTES}",
            document.len()
        )));
    }
    let text = document.strip_prefix('\u{feff}').unwrap_or(document);
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_XML_NODES,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => ClixmlError::Dtd,
        roxmltree::Error::NodesLimitReached => {
            ClixmlError::TooLarge(format!("more than {MAX_XML_NODES} XML nodes"))
        }
        other => ClixmlError::Xml(other.to_string()),
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "Objs" {
        return Err(shape(format!(
            "the root element is <{}>, not <Objs>",
            root.tag_name().name()
        )));
    }
    let mut reader = Reader::default();
    elements(root).map(|node| reader.value(node, 0)).collect()
}

/// The element children of `node` (whitespace and comments between them are not content).
fn elements<'a, 'i>(node: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(Node::is_element)
}

/// What the reader remembers across one document: the type-name lists and objects a later
/// `<TNRef>` or `<Ref>` points back to, and how many values it has produced.
#[derive(Default)]
struct Reader {
    type_names: HashMap<String, Vec<String>>,
    objects: HashMap<String, (PsObject, usize)>,
    values: usize,
}

impl Reader {
    fn count(&mut self, n: usize) -> Result<(), ClixmlError> {
        self.values = self.values.saturating_add(n);
        if self.values > MAX_VALUES {
            return Err(ClixmlError::TooLarge(format!(
                "more than {MAX_VALUES} values once references are expanded"
            )));
        }
        Ok(())
    }

    fn value(&mut self, node: Node, depth: usize) -> Result<PsValue, ClixmlError> {
        if depth > MAX_DEPTH {
            return Err(ClixmlError::TooDeep);
        }
        self.count(1)?;
        let tag = node.tag_name().name();
        Ok(match tag {
            "Obj" => PsValue::Object(self.object(node, depth)?),
            "Ref" => PsValue::Object(self.reference(node)?),
            _ => primitive(node)?,
        })
    }

    /// `<Ref RefId="n"/>`: the object written earlier with that RefId, again.
    fn reference(&mut self, node: Node) -> Result<PsObject, ClixmlError> {
        let id = node
            .attribute("RefId")
            .ok_or_else(|| shape("a <Ref> without a RefId"))?;
        let size =
            self.objects.get(id).map(|(_, size)| *size).ok_or_else(|| {
                shape(format!("<Ref RefId=\"{id}\"> points at no earlier object"))
            })?;
        // Counted before cloning, so a chain of references is refused before it is built.
        self.count(size)?;
        Ok(self.objects[id].0.clone())
    }

    fn object(&mut self, node: Node, depth: usize) -> Result<PsObject, ClixmlError> {
        let before = self.values;
        let mut object = PsObject::default();
        for child in elements(node) {
            match child.tag_name().name() {
                "TN" => object.type_names = self.type_list(child)?,
                "TNRef" => object.type_names = self.type_ref(child)?,
                "ToString" => object.to_string = Some(decoded_text(child)?),
                "Props" | "MS" => {
                    for prop in elements(child) {
                        let name = property_name(prop)?;
                        let value = self.value(prop, depth + 1)?;
                        object.properties.push((name, value));
                    }
                }
                "LST" | "IE" | "STK" | "QUE" => {
                    let items = elements(child)
                        .map(|item| self.value(item, depth + 1))
                        .collect::<Result<Vec<_>, _>>()?;
                    object.items.get_or_insert_with(Vec::new).extend(items);
                }
                "DCT" => {
                    for entry in elements(child) {
                        let pair = self.entry(entry, depth + 1)?;
                        object.entries.get_or_insert_with(Vec::new).push(pair);
                    }
                }
                "Obj" | "Ref" => return Err(shape("an <Obj> directly inside an <Obj>")),
                _ => object.base = Some(Box::new(primitive(child)?)),
            }
        }
        if let Some(id) = node.attribute("RefId") {
            let size = self.values - before + 1;
            self.objects.insert(id.to_owned(), (object.clone(), size));
        }
        Ok(object)
    }

    /// `<En><S N="Key">…</S><Obj N="Value">…</Obj></En>`.
    fn entry(&mut self, node: Node, depth: usize) -> Result<(PsValue, PsValue), ClixmlError> {
        if node.tag_name().name() != "En" {
            return Err(shape(format!(
                "<{}> inside a <DCT>, where only <En> entries belong",
                node.tag_name().name()
            )));
        }
        let (mut key, mut value) = (None, None);
        for part in elements(node) {
            let parsed = self.value(part, depth)?;
            match part.attribute("N") {
                Some("Key") => key = Some(parsed),
                Some("Value") => value = Some(parsed),
                _ => {
                    return Err(shape(
                        "a dictionary entry part that is neither Key nor Value",
                    ))
                }
            }
        }
        match (key, value) {
            (Some(k), Some(v)) => Ok((k, v)),
            _ => Err(shape("a dictionary entry without its Key or Value")),
        }
    }

    fn type_list(&mut self, node: Node) -> Result<Vec<String>, ClixmlError> {
        let mut names = Vec::new();
        for t in elements(node) {
            if t.tag_name().name() != "T" {
                return Err(shape(format!(
                    "<{}> inside <TN>, where only <T> belongs",
                    t.tag_name().name()
                )));
            }
            names.push(decoded_text(t)?);
        }
        self.count(names.len())?;
        if let Some(id) = node.attribute("RefId") {
            self.type_names.insert(id.to_owned(), names.clone());
        }
        Ok(names)
    }

    fn type_ref(&mut self, node: Node) -> Result<Vec<String>, ClixmlError> {
        let id = node
            .attribute("RefId")
            .ok_or_else(|| shape("a <TNRef> without a RefId"))?;
        let names =
            self.type_names.get(id).cloned().ok_or_else(|| {
                shape(format!("<TNRef RefId=\"{id}\"> points at no earlier <TN>"))
            })?;
        self.count(names.len())?;
        Ok(names)
    }
}

fn property_name(node: Node) -> Result<String, ClixmlError> {
    let name = node.attribute("N").ok_or_else(|| {
        shape(format!(
            "a <{}> property without a name (N attribute)",
            node.tag_name().name()
        ))
    })?;
    decode(name)
}

/// The whole text content of a leaf element (text, entity references and CDATA together).
fn raw_text(node: Node) -> Result<String, ClixmlError> {
    let mut text = String::new();
    for child in node.children() {
        if child.is_element() {
            return Err(shape(format!(
                "<{}> inside <{}>, which holds only text",
                child.tag_name().name(),
                node.tag_name().name()
            )));
        }
        // Comments are not content (roxmltree gives their text too).
        if child.is_text() {
            text.push_str(child.text().unwrap_or_default());
        }
    }
    Ok(text)
}

fn decoded_text(node: Node) -> Result<String, ClixmlError> {
    decode(&raw_text(node)?)
}

fn primitive(node: Node) -> Result<PsValue, ClixmlError> {
    let tag = node.tag_name().name();
    let text = || raw_text(node);
    let number = || -> Result<String, ClixmlError> { Ok(text()?.trim().to_owned()) };
    let bad = |what: &str, value: &str| shape(format!("<{tag}> holds {value:?}, not {what}"));
    Ok(match tag {
        "Nil" => PsValue::Null,
        // A secure string's contents are never kept: it only ever means "set, not shown".
        "SS" => PsValue::Null,
        "S" | "XD" | "SBK" => PsValue::String(decode(&text()?)?),
        "C" => {
            let n = number()?;
            let code = n.parse::<u32>().map_err(|_| bad("a character code", &n))?;
            let c = char::from_u32(code).ok_or_else(|| bad("a character code", &n))?;
            PsValue::String(c.to_string())
        }
        "B" => match number()?.as_str() {
            "true" | "1" => PsValue::Bool(true),
            "false" | "0" => PsValue::Bool(false),
            other => return Err(bad("a boolean", other)),
        },
        "I32" | "I64" | "I16" | "SB" => {
            let n = number()?;
            let v = n.parse::<i64>().map_err(|_| bad("an integer", &n))?;
            let fits = match tag {
                "I32" => i32::try_from(v).is_ok(),
                "I16" => i16::try_from(v).is_ok(),
                "SB" => i8::try_from(v).is_ok(),
                _ => true,
            };
            if !fits {
                return Err(bad("an integer of that size", &n));
            }
            PsValue::Int(v)
        }
        "U32" | "U64" | "U16" | "By" => {
            let n = number()?;
            let v = n
                .parse::<u64>()
                .map_err(|_| bad("an unsigned integer", &n))?;
            let fits = match tag {
                "U32" => u32::try_from(v).is_ok(),
                "U16" => u16::try_from(v).is_ok(),
                "By" => u8::try_from(v).is_ok(),
                _ => true,
            };
            if !fits {
                return Err(bad("an unsigned integer of that size", &n));
            }
            PsValue::UInt(v)
        }
        "Db" | "Sg" => {
            let n = number()?;
            let v = match n.as_str() {
                "INF" => f64::INFINITY,
                "-INF" => f64::NEG_INFINITY,
                "NaN" => f64::NAN,
                s => s.parse::<f64>().map_err(|_| bad("a number", s))?,
            };
            PsValue::Double(v)
        }
        "D" => {
            let n = number()?;
            if n.is_empty() || n.parse::<f64>().is_err() {
                return Err(bad("a decimal", &n));
            }
            PsValue::Decimal(n)
        }
        "DT" => PsValue::DateTime(number()?),
        "G" => PsValue::Guid(number()?),
        "URI" => PsValue::Uri(decode(&text()?)?),
        "Version" => PsValue::Version(number()?),
        "TS" => PsValue::TimeSpan(number()?),
        "BA" => {
            let b64: String = text()?.split_whitespace().collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64.as_bytes())
                .map_err(|e| shape(format!("<BA> holds text that is not base64 ({e})")))?;
            PsValue::Bytes(bytes)
        }
        other => {
            return Err(shape(format!(
                "<{other}> is not an element PowerShell's serializer writes"
            )))
        }
    })
}

/// Decodes PowerShell's `_xHHHH_` escapes (XmlConvert's encoding of characters XML cannot
/// carry: `_x000D__x000A_` for CR LF, `_x005F_` for an underscore that would otherwise start
/// an escape; characters past U+FFFF as a surrogate pair of escapes). An `_x` that does not
/// form an escape stays as it is, as .NET's `XmlConvert.DecodeName` leaves it; an escape naming
/// half a surrogate pair alone is an error.
pub fn decode(text: &str) -> Result<String, ClixmlError> {
    if !text.contains("_x") {
        return Ok(text.to_owned());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut pending_high: Option<u32> = None;
    while let Some(at) = rest.find("_x") {
        let (before, from) = rest.split_at(at);
        if !before.is_empty() && pending_high.is_some() {
            return Err(lone_surrogate(text));
        }
        out.push_str(before);
        let Some(code) = escape_at(from) else {
            if pending_high.is_some() {
                return Err(lone_surrogate(text));
            }
            out.push_str("_x");
            rest = &from[2..];
            continue;
        };
        rest = &from[7..];
        match (pending_high.take(), code) {
            (None, 0xD800..=0xDBFF) => pending_high = Some(code),
            (Some(high), 0xDC00..=0xDFFF) => {
                let c = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00);
                out.push(char::from_u32(c).ok_or_else(|| lone_surrogate(text))?);
            }
            (Some(_), _) | (None, 0xDC00..=0xDFFF) => return Err(lone_surrogate(text)),
            (None, c) => out.push(char::from_u32(c).ok_or_else(|| lone_surrogate(text))?),
        }
    }
    if pending_high.is_some() {
        return Err(lone_surrogate(text));
    }
    out.push_str(rest);
    Ok(out)
}

/// The code of the `_xHHHH_` escape at the start of `s`, if it is one.
fn escape_at(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.len() < 7 || b[6] != b'_' || !b[2..6].iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u32::from_str_radix(&s[2..6], 16).ok()
}

fn lone_surrogate(text: &str) -> ClixmlError {
    let shown: String = text.chars().take(80).collect();
    shape(format!(
        "the text {shown:?} escapes half of a surrogate pair (_xD800_-_xDFFF_) without its other half"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_decode_including_surrogate_pairs_and_literal_underscores() {
        assert_eq!(decode("a_x000D__x000A_b").unwrap(), "a\r\nb");
        assert_eq!(decode("_x005F_x0041_").unwrap(), "_x0041_");
        assert_eq!(decode("smile _xD83D__xDE00_").unwrap(), "smile \u{1F600}");
        assert_eq!(decode("no_xescape_").unwrap(), "no_xescape_");
        assert!(matches!(
            decode("_xD83D_ alone"),
            Err(ClixmlError::Shape(_))
        ));
        assert!(matches!(decode("_xDE00_"), Err(ClixmlError::Shape(_))));
    }
}
