//! PowerShell's object serialization (CLIXML), as a remote Exchange session delivers objects.
//!
//! A remote session does not send JSON: it sends each output object as CLIXML
//! (`[System.Management.Automation.PSSerializer]::Serialize`, the format of `Export-Clixml`).
//! This module is the value tree both directions share: [`parse`] reads what a host sends, and
//! [`write()`] produces the same shapes (the lab and the replay host answer through it, so the
//! production reader is the one the tests exercise). What the values *mean* for Fedshare's
//! model (an enum by its name, a certificate from its text form, ...) is decided in
//! [`crate::exchange_output`], not here.

mod parse;
mod write;

pub use parse::{parse, ClixmlError};
pub use write::write;

/// One serialized value. Primitive element names are PowerShell's (`<S>`, `<I32>`, `<DT>`, ...).
#[derive(Debug, Clone, PartialEq)]
pub enum PsValue {
    /// `<Nil/>`: a missing value. Also `<SS>`: a secure string's contents are never kept.
    Null,
    /// `<S>`, also `<C>` (a char, as its text), `<XD>` (an XML document, as its text) and
    /// `<SBK>` (a script block, as its text).
    String(String),
    /// `<B>`.
    Bool(bool),
    /// `<I32>`, `<I64>`, `<I16>`, `<SB>`.
    Int(i64),
    /// `<U32>`, `<U64>`, `<U16>`, `<By>`.
    UInt(u64),
    /// `<Db>`, `<Sg>`.
    Double(f64),
    /// `<D>`: a decimal, kept as written.
    Decimal(String),
    /// `<DT>`: ISO 8601 as written, with its offset when it has one.
    DateTime(String),
    /// `<G>`.
    Guid(String),
    /// `<URI>`.
    Uri(String),
    /// `<Version>`: `15.0.1497.2`.
    Version(String),
    /// `<TS>`: an `xs:duration` such as `PT5M`.
    TimeSpan(String),
    /// `<BA>`: the decoded bytes of base64 text.
    Bytes(Vec<u8>),
    /// `<Obj>`: a complex object, an enum, or a collection.
    Object(PsObject),
}

/// A complex value: its .NET type names, its `ToString()` text, and what it carries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PsObject {
    /// `<TN>` (or the list a `<TNRef>` points at), most derived first, e.g.
    /// `Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.AcceptedDomainType`.
    pub type_names: Vec<String>,
    /// `<ToString>`, with `_xHHHH_` escapes decoded.
    pub to_string: Option<String>,
    /// The value an enum or a primitive-with-notes wraps (`<I32>0</I32>` inside an enum `<Obj>`).
    pub base: Option<Box<PsValue>>,
    /// Items of `<LST>`, `<IE>`, `<STK>` or `<QUE>`; `None` when the object is not a collection.
    pub items: Option<Vec<PsValue>>,
    /// Entries of `<DCT>` (key, value); `None` when the object is not a dictionary.
    pub entries: Option<Vec<(PsValue, PsValue)>>,
    /// `<Props>` (adapted properties) then `<MS>` (notes), in document order.
    pub properties: Vec<(String, PsValue)>,
}

impl PsObject {
    /// A property by name (case-insensitive, as PowerShell looks them up).
    pub fn property(&self, name: &str) -> Option<&PsValue> {
        self.properties
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// True when one of the type names ends with `.{short}` or equals it, with or without the
    /// `Deserialized.` prefix a remote session adds.
    pub fn is_type(&self, short: &str) -> bool {
        self.type_names.iter().any(|t| {
            let t = t.strip_prefix("Deserialized.").unwrap_or(t);
            t == short || t.ends_with(&format!(".{short}"))
        })
    }

    /// True for an enum value: PowerShell writes it as an `<Obj>` whose type names include
    /// `System.Enum`, with its name in `<ToString>` and its number as the base value.
    pub fn is_enum(&self) -> bool {
        self.is_type("System.Enum") && self.base.is_some()
    }
}
