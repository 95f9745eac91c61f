//! JSON Schemas of the value types with hand-written serde (`schemars` feature): each is a
//! string (or, for a fiscal year, an integer) with the pattern its parser accepts.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

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
            "pattern": "^-?[0-9]+(\\.[0-9]+)?$",
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
            "description": "an ISO 3166-1 alpha-3 country code",
            "pattern": "^[A-Z]{3}$",
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
            "type": "array",
            "description": "every applied command in (effective date, sequence) order",
            "items": generator.subschema_for::<JournalEntry>()
        })
    }
}
