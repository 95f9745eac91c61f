//! One error shape on the wire.
//!
//! Every public error of the crate serializes as one flat JSON object, tagged the way
//! commands are (`{"type": ...}` there, `{"code": ...}` here):
//!
//! ```json
//! {"code": "exceeds",
//!  "message": "10.00 exceeds the 5.00 available at the allotment level of account 011-2008-1081 (31 U.S.C. 1517(a))",
//!  "citation": "31 U.S.C. 1517(a)",
//!  "precedence": 6,
//!  "level": "allotment", "account": "011-2008-1081", "requested": "10.00", "available": "5.00"}
//! ```
//!
//! - `code`: the stable machine code ([`ErrorCode::code`]): the variant's name in snake
//!   case. A code is never reused for another meaning; a renamed variant keeps its code.
//!   Codes are unique within one error type; the entry point a client called says which
//!   type it receives, and a wrapped error carries its own code in `source`.
//! - `message`: the human text ([`std::fmt::Display`]), lowercase, without the text of the
//!   cause (which is in `source`). Messages may be reworded in any version: match on
//!   `code`, never on `message`.
//! - `citation`: the law the refused command would break, when there is one.
//! - `precedence`: the rank in the ledger's checking order (1 identity … 7 eligibility,
//!   see [`BudgetError`](crate::budget::BudgetError)); 0 for errors outside that order.
//! - the typed details, by name (`level`, `available`, `requested`, `account`, `rule`,
//!   `field`, `allowed`…), each in the form it has everywhere else in the crate (money as a
//!   decimal string, dates as `YYYY-MM-DD`, accounts as their symbol);
//! - `source`: the wrapped error, in the same shape, when the error wraps another;
//! - `detail`: the text of a cause the crate does not own (an I/O or parser message).
//!
//! The shape is the errors' own [`Serialize`] and
//! [`Deserialize`]: an error in a receipt or a report reads back as
//! the same typed error. Reading recomputes `message`, `citation` and `precedence` from the
//! typed details (they must be present and of the right type, their text is not compared,
//! so a later version's rewording still reads), and refuses an unknown code or an unknown
//! detail.
//!
//! ```
//! use security_assistance::MoneyError;
//! use security_assistance::wire::ErrorCode;
//!
//! let err = "1,000".parse::<security_assistance::Money>().unwrap_err();
//! assert_eq!(err.code(), "thousands_separator");
//! let json = serde_json::to_value(&err)?;
//! assert_eq!(json["code"], "thousands_separator");
//! assert_eq!(json["input"], "1,000");
//! assert_eq!(serde_json::from_value::<MoneyError>(json)?, err);
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de, ser};
use serde_json::{Map, Value};

use crate::law::Citation;

pub use crate::format::{FormatError, FormatVersion};

/// What every public error of the crate tells a machine besides its message.
///
/// ```
/// use security_assistance::budget::{BudgetError, Level};
/// use security_assistance::wire::ErrorCode;
///
/// let err = BudgetError::Exceeds {
///     level: Level::Allotment,
///     account: "011-2008-1081".parse()?,
///     requested: "10".parse()?,
///     available: "5".parse()?,
/// };
/// assert_eq!(err.code(), "exceeds");
/// assert_eq!(ErrorCode::precedence(&err), 6);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait ErrorCode: std::error::Error {
    /// The stable machine code: the variant's name in snake case, never reused.
    fn code(&self) -> &'static str;

    /// The law behind the error, when there is one.
    fn citation(&self) -> Option<Citation> {
        None
    }

    /// The rank in the ledger's checking order (1 … 7); 0 outside it.
    fn precedence(&self) -> u8 {
        0
    }
}

/// The derived (private) serialization of an error type: externally tagged, variant names in
/// snake case, written by `#[serde(remote = "Self")]`.
pub(crate) type Repr<E> = fn(&E, serde_json::value::Serializer) -> Result<Value, serde_json::Error>;

/// The derived deserialization matching [`Repr`].
pub(crate) type ReprDe<E> = fn(Value) -> Result<E, serde_json::Error>;

/// The name of the variant `error` is, as its derived serialization writes it.
pub(crate) fn variant_code<E>(
    error: &E,
    repr: fn(&E, VariantName) -> Result<(), Captured>,
) -> &'static str {
    match repr(error, VariantName) {
        Err(Captured(Some(name))) => name,
        // Only a struct error type lands here; its code is given by its own impl.
        Ok(()) | Err(Captured(None)) => "error",
    }
}

/// Writes `error` (an enum) in the wire shape.
pub(crate) fn serialize<E, S>(error: &E, repr: Repr<E>, serializer: S) -> Result<S::Ok, S::Error>
where
    E: ErrorCode,
    S: Serializer,
{
    let details = match repr(error, serde_json::value::Serializer).map_err(ser::Error::custom)? {
        // A variant with content: its only key is the variant's name.
        Value::Object(map) => map.into_iter().next().map(|(_, content)| content),
        // A unit variant.
        _ => None,
    };
    finish(error, details, serializer)
}

/// Writes `error` (a struct) in the wire shape: its fields are the details.
pub(crate) fn serialize_struct<E, S>(
    error: &E,
    repr: Repr<E>,
    serializer: S,
) -> Result<S::Ok, S::Error>
where
    E: ErrorCode,
    S: Serializer,
{
    let details = repr(error, serde_json::value::Serializer).map_err(ser::Error::custom)?;
    finish(error, Some(details), serializer)
}

fn finish<E, S>(error: &E, details: Option<Value>, serializer: S) -> Result<S::Ok, S::Error>
where
    E: ErrorCode,
    S: Serializer,
{
    let mut out = Map::new();
    out.insert("code".to_owned(), Value::from(error.code()));
    out.insert("message".to_owned(), Value::from(error.to_string()));
    if let Some(citation) = error.citation() {
        out.insert("citation".to_owned(), Value::from(citation.to_string()));
    }
    out.insert("precedence".to_owned(), Value::from(error.precedence()));
    match details {
        None | Some(Value::Null) => {}
        Some(Value::Object(fields)) if is_wire_error(&fields) => {
            out.insert("source".to_owned(), Value::Object(fields));
        }
        Some(Value::Object(fields)) => {
            for (name, field) in fields {
                if out.contains_key(&name) {
                    return Err(ser::Error::custom(format!(
                        "error detail {name:?} collides with a wire field"
                    )));
                }
                out.insert(name, field);
            }
        }
        Some(other) => {
            out.insert("detail".to_owned(), other);
        }
    }
    Value::Object(out).serialize(serializer)
}

/// Reads an enum error written by [`serialize`].
pub(crate) fn deserialize<'de, E, D>(deserializer: D, repr: ReprDe<E>) -> Result<E, D::Error>
where
    D: Deserializer<'de>,
{
    let (code, fields) = envelope::<D>(Value::deserialize(deserializer)?)?;
    let content = if fields.is_empty() {
        Value::String(code)
    } else {
        let mut tagged = Map::new();
        tagged.insert(code, unwrap_single(fields));
        Value::Object(tagged)
    };
    repr(content).map_err(de::Error::custom)
}

/// Reads a struct error written by [`serialize_struct`], whose code is `expected`.
pub(crate) fn deserialize_struct<'de, E, D>(
    deserializer: D,
    repr: ReprDe<E>,
    expected: &'static str,
) -> Result<E, D::Error>
where
    D: Deserializer<'de>,
{
    let (code, fields) = envelope::<D>(Value::deserialize(deserializer)?)?;
    if code != expected {
        return Err(de::Error::invalid_value(
            de::Unexpected::Str(&code),
            &expected,
        ));
    }
    repr(Value::Object(fields)).map_err(de::Error::custom)
}

/// Takes the code and the derived fields off a wire object, leaving its details.
fn envelope<'de, D: Deserializer<'de>>(
    value: Value,
) -> Result<(String, Map<String, Value>), D::Error> {
    let Value::Object(mut fields) = value else {
        return Err(de::Error::custom(
            "an error is a JSON object with a \"code\" and a \"message\"",
        ));
    };
    let code = match fields.remove("code") {
        Some(Value::String(code)) => code,
        _ => return Err(de::Error::missing_field("code")),
    };
    match fields.remove("message") {
        Some(Value::String(_)) => {}
        _ => return Err(de::Error::missing_field("message")),
    }
    match fields.remove("citation") {
        None | Some(Value::String(_)) => {}
        Some(_) => return Err(de::Error::custom("citation must be a string")),
    }
    match fields.remove("precedence") {
        Some(Value::Number(n)) if n.as_u64().is_some_and(|p| p <= u64::from(u8::MAX)) => {}
        _ => {
            return Err(de::Error::custom(
                "precedence must be an integer from 0 to 255",
            ));
        }
    }
    Ok((code, fields))
}

/// `{"source": wire error}` and `{"detail": text}` are the content of a one-field variant;
/// anything else is a struct variant's fields.
fn unwrap_single(mut fields: Map<String, Value>) -> Value {
    if fields.len() == 1 {
        let single = match fields.get("source") {
            Some(Value::Object(inner)) if is_wire_error(inner) => fields.remove("source"),
            _ => match fields.get("detail") {
                Some(Value::Object(_)) | None => None,
                Some(_) => fields.remove("detail"),
            },
        };
        if let Some(content) = single {
            return content;
        }
    }
    Value::Object(fields)
}

fn is_wire_error(fields: &Map<String, Value>) -> bool {
    fields.get("code").is_some_and(Value::is_string)
        && fields.get("message").is_some_and(Value::is_string)
}

/// Implements the wire shape ([`ErrorCode`], `Serialize`, `Deserialize`) for an error enum
/// whose serde derive is `#[serde(remote = "Self", rename_all = "snake_case")]`. Extra items
/// (`citation`, `precedence`) go in braces.
macro_rules! wire_error {
    ($ty:ty) => {
        $crate::wire::wire_error!($ty, {});
    };
    ($ty:ty, { $($extra:tt)* }) => {
        impl $crate::wire::ErrorCode for $ty {
            fn code(&self) -> &'static str {
                $crate::wire::variant_code(self, <$ty>::serialize)
            }
            $($extra)*
        }
        $crate::wire::wire_serde!($ty);
    };
}

/// `Serialize` and `Deserialize` in the wire shape, for a type with an [`ErrorCode`] and a
/// remote derive.
macro_rules! wire_serde {
    ($ty:ty) => {
        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                $crate::wire::serialize(self, <$ty>::serialize, serializer)
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                $crate::wire::deserialize(deserializer, <$ty>::deserialize)
            }
        }
    };
}

/// The wire shape for a struct error with one fixed code.
macro_rules! wire_struct {
    ($ty:ty, $code:literal) => {
        impl $crate::wire::ErrorCode for $ty {
            fn code(&self) -> &'static str {
                $code
            }
        }
        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                $crate::wire::serialize_struct(self, <$ty>::serialize, serializer)
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                $crate::wire::deserialize_struct(deserializer, <$ty>::deserialize, $code)
            }
        }
    };
}

pub(crate) use {wire_error, wire_serde, wire_struct};

/// A serializer that only learns the name of an enum's variant.
#[derive(Debug)]
pub(crate) struct VariantName;

/// The variant's name, carried out of [`VariantName`] as its "error".
#[derive(Debug)]
pub(crate) struct Captured(Option<&'static str>);

impl fmt::Display for Captured {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("variant name")
    }
}

impl std::error::Error for Captured {}

impl ser::Error for Captured {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Captured(None)
    }
}

type No = ser::Impossible<(), Captured>;

macro_rules! refuse {
    ($($name:ident($($t:ty),*)),* $(,)?) => {
        $(fn $name(self, $(_: $t),*) -> Result<(), Captured> { Err(Captured(None)) })*
    };
}

impl Serializer for VariantName {
    type Ok = ();
    type Error = Captured;
    type SerializeSeq = No;
    type SerializeTuple = No;
    type SerializeTupleStruct = No;
    type SerializeTupleVariant = No;
    type SerializeMap = No;
    type SerializeStruct = No;
    type SerializeStructVariant = No;

    refuse!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
    );

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<(), Captured> {
        Err(Captured(None))
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        v: &'static str,
    ) -> Result<(), Captured> {
        Err(Captured(Some(v)))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<(), Captured> {
        Err(Captured(None))
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        v: &'static str,
        _: &T,
    ) -> Result<(), Captured> {
        Err(Captured(Some(v)))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<No, Captured> {
        Err(Captured(None))
    }
    fn serialize_tuple(self, _: usize) -> Result<No, Captured> {
        Err(Captured(None))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<No, Captured> {
        Err(Captured(None))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        v: &'static str,
        _: usize,
    ) -> Result<No, Captured> {
        Err(Captured(Some(v)))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<No, Captured> {
        Err(Captured(None))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<No, Captured> {
        Err(Captured(None))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        v: &'static str,
        _: usize,
    ) -> Result<No, Captured> {
        Err(Captured(Some(v)))
    }
}

/// The cause of an error that the crate does not own: what a parser, a writer or the
/// system reported (serde_json, the CSV reader and writer, the XML writer, a read), kept
/// as a typed value so that it is the wrapping error's [`source`](std::error::Error::source)
/// and reads back from the wire.
///
/// On the wire it is the wrapping error's `source`, in the one error shape: `code` (its
/// [`CauseKind`]), `message` (the library's own text, which may be reworded by a new
/// version of that library: match on `code`), `precedence` 0, and the position where the
/// library gives one: `line` and `column` (1-based), `record` (a CSV record, 0-based as
/// the CSV reader counts them, the header being record 0) and `byte` (0-based offset).
///
/// ```
/// use std::sync::Arc;
/// use security_assistance::eligibility::AllowAll;
/// use security_assistance::report::{ImportError, import_journal};
/// use security_assistance::wire::CauseKind;
///
/// let err = import_journal("{\"entries\": [}", Arc::new(AllowAll)).unwrap_err();
/// let ImportError::Json(cause) = &err else { panic!("{err}") };
/// assert_eq!(cause.kind(), CauseKind::Syntax);
/// assert_eq!((cause.line(), cause.column()), (Some(1), Some(14)));
/// // The wrapping error's message leaves the cause to `source()`: printed once.
/// assert_eq!(err.to_string(), "invalid journal JSON");
/// let json = serde_json::to_value(&err)?;
/// assert_eq!(json["source"]["code"], "syntax");
/// assert_eq!(json["source"]["line"], 1);
/// assert_eq!(serde_json::from_value::<ImportError>(json)?, err);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    kind: CauseKind,
    message: String,
    line: Option<u64>,
    column: Option<u64>,
    record: Option<u64>,
    byte: Option<u64>,
}

/// What kind of failure a [`Cause`] is; its wire `code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CauseKind {
    /// Reading or writing failed (the system's I/O error).
    Io,
    /// The text is not well-formed (JSON syntax).
    Syntax,
    /// The text is well-formed but not of the expected shape or type.
    Data,
    /// The text ended before the value did.
    Eof,
    /// Bytes that are not UTF-8 text.
    Utf8,
    /// A CSV record with another number of fields than the others.
    FieldCount,
    /// Any other failure the library reported.
    Other,
}

impl CauseKind {
    /// The wire code: the variant's name in snake case.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            CauseKind::Io => "io",
            CauseKind::Syntax => "syntax",
            CauseKind::Data => "data",
            CauseKind::Eof => "eof",
            CauseKind::Utf8 => "utf8",
            CauseKind::FieldCount => "field_count",
            CauseKind::Other => "other",
        }
    }
}

impl Cause {
    fn new(kind: CauseKind, message: String) -> Cause {
        Cause {
            kind,
            message,
            line: None,
            column: None,
            record: None,
            byte: None,
        }
    }

    /// What kind of failure it is.
    #[must_use]
    pub fn kind(&self) -> CauseKind {
        self.kind
    }

    /// The library's or the system's own text.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The line (1-based), when the library gives one.
    #[must_use]
    pub fn line(&self) -> Option<u64> {
        self.line
    }

    /// The column (1-based), when the library gives one.
    #[must_use]
    pub fn column(&self) -> Option<u64> {
        self.column
    }

    /// The CSV record (0-based, the header is record 0), when the library gives one.
    #[must_use]
    pub fn record(&self) -> Option<u64> {
        self.record
    }

    /// The byte offset (0-based), when the library gives one.
    #[must_use]
    pub fn byte(&self) -> Option<u64> {
        self.byte
    }

    /// serde_json's error, with its line and column (0 there means unknown).
    pub(crate) fn json(error: &serde_json::Error) -> Cause {
        use serde_json::error::Category;
        let kind = match error.classify() {
            Category::Io => CauseKind::Io,
            Category::Syntax => CauseKind::Syntax,
            Category::Data => CauseKind::Data,
            Category::Eof => CauseKind::Eof,
        };
        let known = |n: usize| u64::try_from(n).ok().filter(|n| *n > 0);
        Cause {
            line: known(error.line()),
            column: known(error.column()),
            ..Cause::new(kind, error.to_string())
        }
    }

    /// The CSV reader's or writer's error, with its position.
    pub(crate) fn csv(error: &csv::Error) -> Cause {
        let kind = match error.kind() {
            csv::ErrorKind::Io(_) => CauseKind::Io,
            csv::ErrorKind::Utf8 { .. } => CauseKind::Utf8,
            csv::ErrorKind::UnequalLengths { .. } => CauseKind::FieldCount,
            csv::ErrorKind::Deserialize { .. } | csv::ErrorKind::Serialize(_) => CauseKind::Data,
            _ => CauseKind::Other,
        };
        let position = error.position();
        Cause {
            line: position.map(csv::Position::line).filter(|n| *n > 0),
            record: position.map(csv::Position::record),
            byte: position.map(csv::Position::byte),
            ..Cause::new(kind, error.to_string())
        }
    }

    /// The system's I/O error.
    pub(crate) fn io(error: &std::io::Error) -> Cause {
        Cause::new(CauseKind::Io, error.to_string())
    }

    /// Bytes that are not UTF-8, with the offset of the first bad one.
    pub(crate) fn utf8(error: &std::string::FromUtf8Error) -> Cause {
        Cause {
            byte: u64::try_from(error.utf8_error().valid_up_to()).ok(),
            ..Cause::new(CauseKind::Utf8, error.to_string())
        }
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Cause {}

impl ErrorCode for Cause {
    fn code(&self) -> &'static str {
        self.kind.code()
    }
}

/// [`Cause`] as it is written and read.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CauseWire {
    code: CauseKind,
    message: String,
    precedence: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    column: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    record: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    byte: Option<u64>,
}

impl Serialize for Cause {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        CauseWire {
            code: self.kind,
            message: self.message.clone(),
            precedence: 0,
            line: self.line,
            column: self.column,
            record: self.record,
            byte: self.byte,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Cause {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Cause, D::Error> {
        let wire = CauseWire::deserialize(deserializer)?;
        if wire.precedence != 0 {
            return Err(de::Error::invalid_value(
                de::Unexpected::Unsigned(u64::from(wire.precedence)),
                &"precedence 0 (a cause stands outside the ledger's checking order)",
            ));
        }
        Ok(Cause {
            kind: wire.code,
            message: wire.message,
            line: wire.line,
            column: wire.column,
            record: wire.record,
            byte: wire.byte,
        })
    }
}
