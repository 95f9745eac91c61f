//! JSON Schemas (`schemars` feature).
//!
//! The value types with hand-written serde are each a string (or, for a fiscal year, an
//! integer) with the pattern its parser accepts. The errors derive their externally tagged
//! schema and [`wire_error_shape`] rewrites it into the one wire shape of
//! [`crate::wire`]. [`documents`] generates every document kind and then finishes it
//! ([`finish`]): dates get [`DATE_PATTERN`] instead of the `format` label a default
//! validator ignores, and every object with named properties forbids others.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value, json};

use crate::budget::{AccountSymbol, Journal, JournalEntry};
use crate::fiscal::{Availability, FiscalYear};
use crate::money::{Money, Rate};
use crate::partner::CountryCode;

impl JsonSchema for Money {
    fn schema_name() -> Cow<'static, str> {
        "Money".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "US dollars as a decimal string with at most two decimals, such as \"1234.56\" or \"-5\" (never a number)",
            "pattern": "^-?[0-9]+(\\.[0-9]{1,2})?$",
            "examples": ["1234.56"]
        })
    }
}

impl JsonSchema for Rate {
    fn schema_name() -> Cow<'static, str> {
        "Rate".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "a percentage as a decimal string, such as \"3.2\" for 3.2 percent",
            "pattern": "^[0-9]+(\\.[0-9]+)?$",
            "examples": ["3.2"]
        })
    }
}

impl JsonSchema for FiscalYear {
    fn schema_name() -> Cow<'static, str> {
        "FiscalYear".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "integer",
            "description": "a federal fiscal year (1 October to 30 September), named by the calendar year it ends in",
            "minimum": FiscalYear::MIN_YEAR,
            "maximum": FiscalYear::MAX_YEAR,
            "examples": [2008]
        })
    }
}

/// A period of availability as serialized: `2008`, `2008/2009` or `X2008`.
const AVAILABILITY_PATTERN: &str = "([0-9]{4}(/[0-9]{4})?|X[0-9]{4})";

impl JsonSchema for Availability {
    fn schema_name() -> Cow<'static, str> {
        "Availability".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "a period of availability: one year (\"2008\"), several (\"2008/2009\") or no-year from a first year (\"X2008\")",
            "pattern": format!("^{AVAILABILITY_PATTERN}$"),
            "examples": ["2008/2009"]
        })
    }
}

impl JsonSchema for AccountSymbol {
    fn schema_name() -> Cow<'static, str> {
        "AccountSymbol".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "a Treasury-style account symbol: agency, period of availability, main account",
            "pattern": format!("^[0-9]{{3}}-{AVAILABILITY_PATTERN}-[0-9]{{4}}$"),
            "examples": ["011-2008/2009-1082"]
        })
    }
}

impl JsonSchema for CountryCode {
    fn schema_name() -> Cow<'static, str> {
        "CountryCode".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "an ISO 3166-1 alpha-3 country code (the crate's table: every officially assigned code and Kosovo's XKX)",
            "enum": CountryCode::all().map(CountryCode::alpha3).collect::<Vec<_>>(),
            "examples": ["JOR"]
        })
    }
}

impl JsonSchema for Journal {
    fn schema_name() -> Cow<'static, str> {
        "Journal".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "description": "every applied command in (effective date, sequence) order, in a versioned envelope (the crate also reads a bare array of entries, the format 1.0 journal written before the envelope, and never writes one)",
            "properties": {
                "format_version": generator.subschema_for::<crate::wire::FormatVersion>(),
                "entries": {
                    "type": "array",
                    "items": generator.subschema_for::<JournalEntry>()
                }
            },
            "required": ["format_version", "entries"],
            "additionalProperties": false
        })
    }
}

impl JsonSchema for crate::wire::Cause {
    fn schema_name() -> Cow<'static, str> {
        "Cause".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let position = |what: &str, minimum: u64| json!({"type": "integer", "minimum": minimum, "description": what});
        json_schema!({
            "type": "object",
            "description": "the cause of an error that the crate does not own (a parser's, a writer's or the system's), with its position where the library gives one",
            "properties": {
                "code": generator.subschema_for::<crate::wire::CauseKind>(),
                "message": {"type": "string", "description": "the library's or the system's own text"},
                "precedence": {"type": "integer", "const": 0},
                "line": position("the line, 1-based", 1),
                "column": position("the column, 1-based", 1),
                "record": position("the CSV record, 0-based (the header is record 0)", 0),
                "byte": position("the byte offset, 0-based", 0)
            },
            "required": ["code", "message", "precedence"],
            "additionalProperties": false
        })
    }
}

/// A date as the crate reads and writes it: exactly `YYYY-MM-DD`. The pattern cannot see
/// the length of a month (it accepts `2008-02-30`, which the crate refuses).
pub(crate) const DATE_PATTERN: &str = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

/// The wire fields every error carries besides its details (see [`crate::wire`]).
fn wire_fields(code: Value) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("code".to_owned(), code);
    out.insert(
        "message".to_owned(),
        json!({"type": "string", "description": "the human text; may be reworded in any version"}),
    );
    out.insert(
        "citation".to_owned(),
        json!({"type": "string", "description": "the law the refused command would break"}),
    );
    out.insert(
        "precedence".to_owned(),
        json!({"type": "integer", "minimum": 0, "maximum": 255,
               "description": "the rank in the ledger's checking order (1 to 7); 0 outside it"}),
    );
    out
}

/// One wire object: the wire fields, then `details` (properties and required names).
fn wire_object(
    code: &str,
    description: Option<Value>,
    details: Map<String, Value>,
    detail_required: Vec<Value>,
) -> Value {
    let mut properties = wire_fields(json!({"type": "string", "const": code}));
    properties.extend(details);
    let mut required = vec![json!("code"), json!("message"), json!("precedence")];
    required.extend(detail_required);
    let mut out = Map::new();
    out.insert("type".to_owned(), json!("object"));
    if let Some(description) = description {
        out.insert("description".to_owned(), description);
    }
    out.insert("properties".to_owned(), Value::Object(properties));
    out.insert("required".to_owned(), Value::Array(required));
    out.insert("additionalProperties".to_owned(), Value::Bool(false));
    Value::Object(out)
}

/// The details of a variant from its derived content schema: a struct variant's fields, a
/// wrapped error as `source`, a wrapped text as `detail`.
fn variant_details(content: &Value) -> (Map<String, Value>, Vec<Value>) {
    let mut details = Map::new();
    if let Some(fields) = content.get("properties").and_then(Value::as_object) {
        details.extend(fields.clone());
        let required = content
            .get("required")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        return (details, required);
    }
    let name = if content.get("$ref").is_some() {
        "source"
    } else {
        "detail"
    };
    details.insert(name.to_owned(), content.clone());
    (details, vec![json!(name)])
}

/// Rewrites an error enum's derived (externally tagged) schema into the wire shape: one
/// `oneOf` alternative per variant, each an object tagged by its `code` const.
pub(crate) fn wire_error_shape(schema: &mut Schema) {
    let value = schema.as_value().clone();
    let mut alternatives = Vec::new();
    let variants = value
        .get("oneOf")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_else(|| vec![value.clone()]);
    for variant in &variants {
        let description = variant.get("description").cloned();
        if let Some(code) = variant.get("const").and_then(Value::as_str) {
            alternatives.push(wire_object(code, description, Map::new(), Vec::new()));
        } else if let Some(codes) = variant.get("enum").and_then(Value::as_array) {
            for code in codes.iter().filter_map(Value::as_str) {
                alternatives.push(wire_object(code, None, Map::new(), Vec::new()));
            }
        } else if let Some(tagged) = variant.get("properties").and_then(Value::as_object) {
            for (code, content) in tagged {
                let (details, required) = variant_details(content);
                alternatives.push(wire_object(code, description.clone(), details, required));
            }
        }
    }
    let mut out = Map::new();
    if let Some(description) = value.get("description") {
        out.insert("description".to_owned(), description.clone());
    }
    out.insert("oneOf".to_owned(), Value::Array(alternatives));
    *schema = Schema::from(out);
}

/// Rewrites a struct error's derived schema into the wire shape with the fixed `code`.
pub(crate) fn wire_struct_shape(schema: &mut Schema, code: &str) {
    let value = schema.as_value();
    let (details, required) = variant_details(value);
    let description = value.get("description").cloned();
    if let Value::Object(out) = wire_object(code, description, details, required) {
        *schema = Schema::from(out);
    }
}

/// [`wire_struct_shape`] for [`crate::budget::BatchError`] (a path, not a closure: the
/// derive parses a closure only when `syn` has its `full` feature).
pub(crate) fn batch_error_shape(schema: &mut Schema) {
    wire_struct_shape(schema, "batch_refused");
}

/// The finished draft 2020-12 schema of `T` (see [`finish`]).
pub(crate) fn one<T: JsonSchema>() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let mut value = generator.into_root_schema_for::<T>().to_value();
    finish(&mut value);
    value
}

/// Every document kind the crate reads or writes, by name, each a finished draft 2020-12
/// schema (see [`crate::report::json_schemas`]).
pub(crate) fn documents() -> std::collections::BTreeMap<&'static str, Value> {
    use crate::budget::{
        BatchError, Command, Delegation, Journal, Policy, Receipt, Sf133, StatusRow, TrialBalance,
    };
    use crate::report::{AuditReport, FlowGraph, StatusReport};
    use crate::store::ServiceError;

    let mut out = std::collections::BTreeMap::new();
    out.insert("command", one::<Command>());
    out.insert("journal", one::<Journal>());
    out.insert("receipt", one::<Receipt>());
    out.insert("batch_receipts", one::<Vec<Receipt>>());
    out.insert("batch_error", one::<BatchError>());
    out.insert("error", one::<ServiceError>());
    out.insert("status_rows", one::<Vec<StatusRow>>());
    out.insert("status_report", one::<StatusReport>());
    out.insert("sf133", one::<Sf133>());
    out.insert("trial_balance", one::<TrialBalance>());
    out.insert("flow_graph", one::<FlowGraph>());
    out.insert("policy", one::<Policy>());
    out.insert("delegations", one::<Vec<Delegation>>());
    out.insert("audit_report", one::<AuditReport>());
    out
}

/// Keywords whose values are data, not schemas.
const DATA_KEYWORDS: [&str; 7] = [
    "const",
    "enum",
    "examples",
    "default",
    "required",
    "description",
    "title",
];

/// Keywords whose values map names (of properties, of definitions) to schemas.
const SCHEMA_MAPS: [&str; 4] = [
    "properties",
    "$defs",
    "patternProperties",
    "dependentSchemas",
];

/// Finishes a generated schema: a date's `format` becomes [`DATE_PATTERN`], and an object
/// with named properties forbids others (`additionalProperties: false`, or
/// `unevaluatedProperties: false` beside `allOf`/`oneOf`/`anyOf`, where serde's flatten
/// puts part of an object's properties in a subschema).
pub(crate) fn finish(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("format").and_then(Value::as_str) == Some("date") {
                map.remove("format");
                map.insert("pattern".to_owned(), Value::from(DATE_PATTERN));
            }
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                let combined = ["allOf", "oneOf", "anyOf"]
                    .iter()
                    .any(|k| map.contains_key(*k));
                if !combined {
                    map.insert("additionalProperties".to_owned(), Value::Bool(false));
                } else if !map.contains_key("unevaluatedProperties") {
                    map.insert("unevaluatedProperties".to_owned(), Value::Bool(false));
                }
            }
            for (key, child) in map.iter_mut() {
                if SCHEMA_MAPS.contains(&key.as_str()) {
                    if let Value::Object(named) = child {
                        named.values_mut().for_each(finish);
                    }
                } else if !DATA_KEYWORDS.contains(&key.as_str()) {
                    finish(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(finish),
        _ => {}
    }
}
