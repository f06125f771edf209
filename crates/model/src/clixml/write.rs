//! Writing [`PsValue`]s as one CLIXML `<Objs>` document, in the shapes
//! `[System.Management.Automation.PSSerializer]::Serialize` gives: two-space indentation, no
//! XML declaration, a `RefId` on every `<Obj>` and every first `<TN>`, `<TNRef>` for a type-name
//! list written before, `_xHHHH_` escapes for control characters and for a literal `_x`.
//!
//! The value tree does not say which properties were adapted (`<Props>`) and which were notes
//! (`<MS>`); the writer puts the notes a remote session adds (`PSComputerName`, `RunspaceId`,
//! `PSShowComputerName`, `SerializationData`), and every property of an object that wraps a
//! primitive base value, into `<MS>`, the rest into `<Props>`, each group in tree order.

use std::fmt::Write as _;

use super::{PsObject, PsValue};

const NAMESPACE: &str = "http://schemas.microsoft.com/powershell/2004/04";
/// Member-set notes: what remoting attaches to every object it delivers.
const NOTES: &[&str] = &[
    "PSComputerName",
    "RunspaceId",
    "PSShowComputerName",
    "SerializationData",
];

/// One `<Objs>` document holding `values` as its top-level objects.
pub fn write(values: &[PsValue]) -> String {
    let mut w = Writer::default();
    w.out.push_str(&format!(
        "<Objs Version=\"1.1.0.1\" xmlns=\"{NAMESPACE}\">\n"
    ));
    for value in values {
        w.value(value, None, 1);
    }
    w.out.push_str("</Objs>");
    w.out
}

#[derive(Default)]
struct Writer {
    out: String,
    next_obj: usize,
    /// Type-name lists already written, by their `RefId`.
    type_lists: Vec<Vec<String>>,
}

impl Writer {
    fn indent(&mut self, level: usize) {
        for _ in 0..level {
            self.out.push_str("  ");
        }
    }

    fn value(&mut self, value: &PsValue, name: Option<&str>, level: usize) {
        let (tag, text) = match value {
            PsValue::Null => {
                self.indent(level);
                self.out.push_str("<Nil");
                self.name_attr(name);
                self.out.push_str(" />\n");
                return;
            }
            PsValue::Object(obj) => return self.object(obj, name, level),
            PsValue::String(s) => ("S", s.clone()),
            PsValue::Bool(b) => ("B", b.to_string()),
            PsValue::Int(i) => (
                if i32::try_from(*i).is_ok() {
                    "I32"
                } else {
                    "I64"
                },
                i.to_string(),
            ),
            PsValue::UInt(u) => (
                if u32::try_from(*u).is_ok() {
                    "U32"
                } else {
                    "U64"
                },
                u.to_string(),
            ),
            PsValue::Double(d) => ("Db", double_text(*d)),
            PsValue::Decimal(d) => ("D", d.clone()),
            PsValue::DateTime(t) => ("DT", t.clone()),
            PsValue::Guid(g) => ("G", g.clone()),
            PsValue::Uri(u) => ("URI", u.clone()),
            PsValue::Version(v) => ("Version", v.clone()),
            PsValue::TimeSpan(t) => ("TS", t.clone()),
            PsValue::Bytes(b) => ("BA", base64(b)),
        };
        self.indent(level);
        let _ = write!(self.out, "<{tag}");
        self.name_attr(name);
        let _ = writeln!(self.out, ">{}</{tag}>", xml_text(&encode(&text)));
    }

    fn name_attr(&mut self, name: Option<&str>) {
        if let Some(name) = name {
            let _ = write!(self.out, " N=\"{}\"", xml_attr(&encode(name)));
        }
    }

    fn object(&mut self, obj: &PsObject, name: Option<&str>, level: usize) {
        let ref_id = self.next_obj;
        self.next_obj += 1;
        self.indent(level);
        self.out.push_str("<Obj");
        self.name_attr(name);
        let _ = writeln!(self.out, " RefId=\"{ref_id}\">");
        let inner = level + 1;
        if !obj.type_names.is_empty() {
            self.type_names(&obj.type_names, inner);
        }
        if let Some(text) = &obj.to_string {
            self.indent(inner);
            // PowerShell writes an empty ToString as an empty element (Get-AcceptedDomain.xml),
            // unlike an empty `<S></S>`.
            if text.is_empty() {
                self.out.push_str("<ToString />\n");
            } else {
                let _ = writeln!(self.out, "<ToString>{}</ToString>", xml_text(&encode(text)));
            }
        }
        if let Some(base) = &obj.base {
            self.value(base, None, inner);
        }
        if let Some(items) = &obj.items {
            self.list(items, inner);
        }
        if let Some(entries) = &obj.entries {
            self.dictionary(entries, inner);
        }
        let all_notes = obj.base.is_some();
        let is_note = |n: &str| all_notes || NOTES.iter().any(|x| x.eq_ignore_ascii_case(n));
        let props: Vec<_> = obj.properties.iter().filter(|(n, _)| !is_note(n)).collect();
        let notes: Vec<_> = obj.properties.iter().filter(|(n, _)| is_note(n)).collect();
        self.members("Props", &props, inner);
        self.members("MS", &notes, inner);
        self.indent(level);
        self.out.push_str("</Obj>\n");
    }

    fn type_names(&mut self, names: &[String], level: usize) {
        self.indent(level);
        if let Some(id) = self.type_lists.iter().position(|l| l == names) {
            let _ = writeln!(self.out, "<TNRef RefId=\"{id}\" />");
            return;
        }
        let id = self.type_lists.len();
        self.type_lists.push(names.to_vec());
        let _ = writeln!(self.out, "<TN RefId=\"{id}\">");
        for name in names {
            self.indent(level + 1);
            let _ = writeln!(self.out, "<T>{}</T>", xml_text(&encode(name)));
        }
        self.indent(level);
        self.out.push_str("</TN>\n");
    }

    fn list(&mut self, items: &[PsValue], level: usize) {
        self.indent(level);
        if items.is_empty() {
            self.out.push_str("<LST />\n");
            return;
        }
        self.out.push_str("<LST>\n");
        for item in items {
            self.value(item, None, level + 1);
        }
        self.indent(level);
        self.out.push_str("</LST>\n");
    }

    fn dictionary(&mut self, entries: &[(PsValue, PsValue)], level: usize) {
        self.indent(level);
        if entries.is_empty() {
            self.out.push_str("<DCT />\n");
            return;
        }
        self.out.push_str("<DCT>\n");
        for (key, value) in entries {
            self.indent(level + 1);
            self.out.push_str("<En>\n");
            self.value(key, Some("Key"), level + 2);
            self.value(value, Some("Value"), level + 2);
            self.indent(level + 1);
            self.out.push_str("</En>\n");
        }
        self.indent(level);
        self.out.push_str("</DCT>\n");
    }

    fn members(&mut self, tag: &str, members: &[&(String, PsValue)], level: usize) {
        if members.is_empty() {
            return;
        }
        self.indent(level);
        let _ = writeln!(self.out, "<{tag}>");
        for (name, value) in members {
            self.value(value, Some(name), level + 1);
        }
        self.indent(level);
        let _ = writeln!(self.out, "</{tag}>");
    }
}

/// PowerShell's string encoding (`InternalSerializer.EncodeString`): control characters, C1
/// controls, surrogates, U+FFEF..U+FFFF and the `_` of a literal `_x` become `_xHHHH_`.
fn encode(text: &str) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    let needs = |i: usize, u: u16| {
        u <= 0x1F
            || (0x7F..=0x9F).contains(&u)
            || (0xD800..=0xDFFF).contains(&u)
            || u >= 0xFFEF
            || (u == u16::from(b'_')
                && units
                    .get(i + 1)
                    .is_some_and(|n| *n == u16::from(b'x') || *n == u16::from(b'X')))
    };
    if !units.iter().enumerate().any(|(i, u)| needs(i, *u)) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut plain: Vec<u16> = Vec::new();
    for (i, &u) in units.iter().enumerate() {
        if needs(i, u) {
            out.push_str(&String::from_utf16_lossy(&plain));
            plain.clear();
            let _ = write!(out, "_x{u:04X}_");
        } else {
            plain.push(u);
        }
    }
    out.push_str(&String::from_utf16_lossy(&plain));
    out
}

/// Text content as .NET's XmlWriter escapes it.
fn xml_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn xml_attr(text: &str) -> String {
    xml_text(text).replace('"', "&quot;")
}

/// `Double.ToString("R")`-like text: integers without a fraction, infinities by name.
fn double_text(d: f64) -> String {
    if d.is_nan() {
        "NaN".into()
    } else if d.is_infinite() {
        if d > 0.0 { "INF" } else { "-INF" }.into()
    } else {
        d.to_string()
    }
}

/// Standard base64 with padding, as `Convert.ToBase64String` writes it.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
