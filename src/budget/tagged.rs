//! Reading the internally tagged command enums ([`Action`], [`Funding`], [`Apportionment`])
//! without buffering them.
//!
//! serde's derived `Deserialize` for an internally tagged enum (`{"type": "disburse", ...}`)
//! cannot know where the tag is, so it first copies the whole object into an intermediate
//! tree and then reads the variant from that copy; for a journal that was most of the time
//! spent reading JSON. The crate writes the tag first, so this module reads the first key:
//! if it is the tag, the rest of the object is handed straight to an externally tagged
//! twin of the enum (a serde `remote` definition, below) as the variant's fields. If the tag
//! is not first (JSON written by someone else), the object is buffered as a
//! [`serde_json::Value`] and read the same way, so every input the derived impl accepted is
//! still accepted, and every refusal is still a serde error at its place in the input.
//!
//! [`Action`]'s twin is derived with it from one table (`command.rs`); the small twins of
//! [`Funding`] and [`Apportionment`] are here, and [`every_variant_is_read`] fails to
//! compile when one of their variants is missing.

use std::fmt;
use std::marker::PhantomData;

use chrono::NaiveDate;
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, VariantAccess,
    Visitor,
};
use serde::{Deserialize, forward_to_deserialize_any};

use super::command::{Action, ActionDef, AllocationKey, Apportionment, Funding};
use crate::purpose::ProgramKind;

/// How to read one internally tagged enum: its tag key, its name in messages, and its
/// externally tagged twin.
pub(crate) trait Tagged<'de>: Sized {
    /// The key of the tag, such as `"type"`.
    const TAG: &'static str;
    /// What the derived impl says it expects, such as `"internally tagged enum Action"`.
    const EXPECTING: &'static str;
    /// Reads the value from an externally tagged deserializer (the twin's derived impl).
    fn external<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}

/// Reads an internally tagged `T` from `d`.
pub(crate) fn deserialize<'de, T: Tagged<'de>, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    d.deserialize_map(TaggedVisitor(PhantomData))
}

struct TaggedVisitor<T>(PhantomData<T>);

impl<'de, T: Tagged<'de>> Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        match map.next_key_seed(KeySeed(T::TAG))? {
            Some(Key::Tag) => {
                let variant: Variant<'de> = map.next_value()?;
                T::external(Enum {
                    variant,
                    map,
                    tag: T::TAG,
                })
            }
            Some(Key::Other(first)) => buffered(first, map),
            None => Err(de::Error::missing_field(T::TAG)),
        }
    }
}

/// The slow path: the tag is not the first key, so the object is buffered.
#[cold]
fn buffered<'de, T: Tagged<'de>, A: MapAccess<'de>>(
    first: String,
    mut map: A,
) -> Result<T, A::Error> {
    let mut object = serde_json::Map::new();
    let value: serde_json::Value = map.next_value()?;
    object.insert(first, value);
    while let Some((key, value)) = map.next_entry::<String, serde_json::Value>()? {
        // A repeated key (the tag too) is refused, as the fast path refuses it, rather than
        // the last one winning.
        if object.contains_key(&key) {
            return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
        }
        object.insert(key, value);
    }
    let tag = object
        .remove(T::TAG)
        .ok_or_else(|| de::Error::missing_field(T::TAG))?;
    let variant = match tag {
        serde_json::Value::String(s) => Variant::Owned(s),
        // A number is not a variant's name: refused below as an unknown variant, with the
        // names allowed.
        serde_json::Value::Number(n) => Variant::Owned(n.to_string()),
        other => {
            return Err(de::Error::invalid_type(
                unexpected(&other),
                &"a variant identifier",
            ));
        }
    };
    let map = serde::de::value::MapDeserializer::new(object.into_iter());
    T::external(Enum {
        variant,
        map,
        tag: T::TAG,
    })
    .map_err(|e: serde_json::Error| de::Error::custom(e))
}

fn unexpected(value: &serde_json::Value) -> de::Unexpected<'_> {
    match value {
        serde_json::Value::Null => de::Unexpected::Unit,
        serde_json::Value::Bool(b) => de::Unexpected::Bool(*b),
        serde_json::Value::Number(_) => de::Unexpected::Other("number"),
        serde_json::Value::String(s) => de::Unexpected::Str(s),
        serde_json::Value::Array(_) => de::Unexpected::Seq,
        serde_json::Value::Object(_) => de::Unexpected::Map,
    }
}

/// The first key: the tag, or another (kept for the slow path).
enum Key {
    Tag,
    Other(String),
}

struct KeySeed(&'static str);

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Key;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(if v == self.0 {
            Key::Tag
        } else {
            Key::Other(v.to_owned())
        })
    }
}

/// The tag's value: a variant name (borrowed from the input when it can be). A number is
/// kept as its text, so that the variant's reader refuses it as an unknown variant and
/// names the variants allowed (serde's derived reader would take it as a variant index).
enum Variant<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl<'de> Deserialize<'de> for Variant<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Variant<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a variant identifier")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Variant<'de>, E> {
                Ok(Variant::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Variant<'de>, E> {
                Ok(Variant::Owned(v.to_owned()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Variant<'de>, E> {
                Ok(Variant::Owned(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// An externally tagged view of a tagged object: the variant, then the object's other
/// entries as the variant's fields.
struct Enum<'de, A> {
    variant: Variant<'de>,
    map: A,
    /// The tag's key, refused if it comes again.
    tag: &'static str,
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for Enum<'de, A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_enum(self)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>> EnumAccess<'de> for Enum<'de, A> {
    type Error = A::Error;
    type Variant = Fields<A>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Fields<A>), A::Error> {
        let value = match self.variant {
            Variant::Borrowed(s) => seed.deserialize(de::value::BorrowedStrDeserializer::new(s)),
            Variant::Owned(s) => {
                seed.deserialize(IntoDeserializer::<A::Error>::into_deserializer(s))
            }
        }?;
        Ok((
            value,
            Fields {
                map: self.map,
                tag: self.tag,
            },
        ))
    }
}

/// The rest of the object, as the fields of the variant; a second tag is refused.
struct Fields<A> {
    map: A,
    tag: &'static str,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Fields<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.map.next_key_seed(NotTag {
            seed,
            tag: self.tag,
        })
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// A field name that is not the tag: the tag again is a duplicate field.
struct NotTag<S> {
    seed: S,
    tag: &'static str,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for NotTag<S> {
    type Value = S::Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for NotTag<S> {
    type Value = S::Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<S::Value, E> {
        if v == self.tag {
            return Err(E::duplicate_field(self.tag));
        }
        self.seed
            .deserialize(de::value::BorrowedStrDeserializer::new(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<S::Value, E> {
        if v == self.tag {
            return Err(E::duplicate_field(self.tag));
        }
        self.seed.deserialize(de::value::StrDeserializer::new(v))
    }
}

impl<'de, A: MapAccess<'de>> VariantAccess<'de> for Fields<A> {
    type Error = A::Error;

    fn unit_variant(mut self) -> Result<(), A::Error> {
        // A unit variant has no fields: any other key is unknown.
        match self.next_key::<String>()? {
            Some(key) => Err(de::Error::unknown_field(&key, &[])),
            None => Ok(()),
        }
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, _: S) -> Result<S::Value, A::Error> {
        Err(de::Error::invalid_type(
            de::Unexpected::NewtypeVariant,
            &"a struct variant",
        ))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, A::Error> {
        Err(de::Error::invalid_type(
            de::Unexpected::TupleVariant,
            &"a struct variant",
        ))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        visitor.visit_map(self)
    }
}

impl<'de> Tagged<'de> for Action {
    const TAG: &'static str = "type";
    const EXPECTING: &'static str = "internally tagged enum Action";
    fn external<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        ActionDef::deserialize(d)
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize(d)
    }
}

impl<'de> Tagged<'de> for Funding {
    const TAG: &'static str = "from";
    const EXPECTING: &'static str = "internally tagged enum Funding";
    fn external<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        FundingDef::deserialize(d)
    }
}

impl<'de> Deserialize<'de> for Funding {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize(d)
    }
}

impl<'de> Tagged<'de> for Apportionment {
    const TAG: &'static str = "category";
    const EXPECTING: &'static str = "internally tagged enum Apportionment";
    fn external<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        ApportionmentDef::deserialize(d)
    }
}

impl<'de> Deserialize<'de> for Apportionment {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize(d)
    }
}

/// The externally tagged twin of [`Apportionment`].
#[derive(Deserialize)]
#[serde(
    remote = "Apportionment",
    rename_all = "snake_case",
    deny_unknown_fields
)]
enum ApportionmentDef {
    ByPeriod {
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        from: NaiveDate,
    },
    ByProgram {
        program: ProgramKind,
    },
}

/// The externally tagged twin of [`Funding`].
#[derive(Deserialize)]
#[serde(remote = "Funding", rename_all = "snake_case", deny_unknown_fields)]
enum FundingDef {
    Commitment,
    Allocation { key: AllocationKey },
    Allotment { key: AllocationKey },
}

/// Fails to compile when a variant is added to [`Funding`] or [`Apportionment`] without its
/// twin above (a missing twin would make the variant unreadable). [`Action`]'s twin is
/// derived with the enum, from one table (`command.rs`).
#[allow(dead_code)]
fn every_variant_is_read(funding: &Funding, category: &Apportionment) {
    match funding {
        Funding::Commitment | Funding::Allocation { .. } | Funding::Allotment { .. } => {}
    }
    match category {
        Apportionment::ByPeriod { .. } | Apportionment::ByProgram { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(json: &str) -> Result<Action, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn the_tag_may_come_anywhere() {
        let first = action(
            r#"{"type":"obligate","account":"011-2008/2009-1082","document":"D1","instrument":"loan","funding":{"from":"allocation","key":{"holder":"DSCA","program":"financing","partner":"JOR"}},"amount":"5.00"}"#,
        )
        .unwrap();
        let last = action(
            r#"{"account":"011-2008/2009-1082","document":"D1","instrument":"loan","funding":{"key":{"holder":"DSCA","program":"financing","partner":"JOR"},"from":"allocation"},"amount":"5.00","type":"obligate"}"#,
        )
        .unwrap();
        assert_eq!(first, last);
        assert_eq!(
            action(&serde_json::to_string(&first).unwrap()).unwrap(),
            first
        );
        let unit: Funding = serde_json::from_str(r#"{"from":"commitment"}"#).unwrap();
        assert_eq!(unit, Funding::Commitment);
        let category: Apportionment =
            serde_json::from_str(r#"{"from":"2008-01-02","category":"by_period"}"#).unwrap();
        assert_eq!(
            category,
            Apportionment::ByPeriod {
                from: NaiveDate::from_ymd_opt(2008, 1, 2).unwrap()
            }
        );
    }

    #[test]
    fn bad_input_is_refused_with_a_reason_and_a_place() {
        let cases = [
            (
                r#"{"type":"pay","account":"011-2008-1081"}"#,
                "unknown variant `pay`",
            ),
            (
                r#"{"account":"011-2008-1081","type":"pay"}"#,
                "unknown variant `pay`",
            ),
            (r#"{"account":"011-2008-1081"}"#, "missing field `type`"),
            (r#"{}"#, "missing field `type`"),
            (
                r#"{"type":"disburse","account":"011-2008-1081","document":"D"}"#,
                "missing field `amount`",
            ),
            (
                r#"{"type":"disburse","account":"011-2008-1081","document":"D","amount":5}"#,
                "invalid type: integer `5`",
            ),
            (
                r#"{"type":"disburse","account":"bad","document":"D","amount":"5"}"#,
                "account symbol \"bad\" is invalid",
            ),
            // A variant index is not a name: refused, naming the names allowed.
            (
                r#"{"type":7}"#,
                "unknown variant `7`, expected one of `appropriate`, `continuing_resolution`",
            ),
            (r#"{"type":99}"#, "unknown variant `99`, expected one of"),
            (
                r#"{"account":"011-2008-1081","type":7}"#,
                "unknown variant `7`, expected one of `appropriate`",
            ),
            (
                r#"{"type":"obligate","account":"011-2008-1081","document":"D","instrument":"loan","funding":{"from":0},"amount":"5"}"#,
                "unknown variant `0`, expected one of `commitment`, `allocation`, `allotment`",
            ),
            (r#"{"type":null}"#, "invalid type: null"),
            (r#"["disburse"]"#, "invalid type: sequence"),
            // Unknown fields, wherever the tag stands, name the field and the fields allowed.
            (
                r#"{"type":"disburse","account":"011-2008-1081","document":"D","amout":"5"}"#,
                "unknown field `amout`, expected one of `account`, `document`, `amount`",
            ),
            (
                r#"{"account":"011-2008-1081","document":"D","amout":"5","type":"disburse"}"#,
                "unknown field `amout`, expected one of `account`, `document`, `amount`",
            ),
            (
                r#"{"type":"obligate","account":"011-2008-1081","document":"D","instrument":"loan","funding":{"from":"commitment","extra":1},"amount":"5"}"#,
                "unknown field `extra`, there are no fields",
            ),
            (
                r#"{"type":"obligate","account":"011-2008-1081","document":"D","instrument":"loan","funding":{"extra":[1],"from":"commitment"},"amount":"5"}"#,
                "unknown field `extra`, there are no fields",
            ),
            // Repeated keys, the tag too, whatever the order.
            (
                r#"{"type":"disburse","account":"011-2008-1081","document":"D","amount":"1","amount":"1000000"}"#,
                "duplicate field `amount`",
            ),
            (
                r#"{"account":"011-2008-1081","document":"D","amount":"1","amount":"1000000","type":"disburse"}"#,
                "duplicate field `amount`",
            ),
            (
                r#"{"type":"disburse","account":"011-2008-1081","document":"D","amount":"1","type":"refund"}"#,
                "duplicate field `type`",
            ),
            (
                r#"{"account":"011-2008-1081","type":"disburse","document":"D","amount":"1","type":"refund"}"#,
                "duplicate field `type`",
            ),
            (
                r#"{"account":"011-2008-1081","type":"disburse","document":"D","type":"disburse","amount":"1"}"#,
                "duplicate field `type`",
            ),
            (
                r#"{"type":"by_period","category":"by_period","from":"2008-01-02"}"#,
                "unknown variant `by_period`",
            ),
            (
                r#"{"category":"by_period","from":"2008-01-02","category":"by_period"}"#,
                "duplicate field `category`",
            ),
            // Dates exactly YYYY-MM-DD.
            (
                r#"{"type":"apportion","account":"011-2008-1081","category":{"category":"by_period","from":"2008-1-2"},"amount":"5"}"#,
                "date \"2008-1-2\" is not a real day written YYYY-MM-DD",
            ),
        ];
        for (json, expected) in cases {
            let message = action(json).unwrap_err().to_string();
            assert!(message.contains(expected), "{json}: {message}");
            assert!(message.contains("line 1 column"), "{json}: {message}");
        }
    }

    /// Anything but a map is refused saying what was expected: the enum and its tags.
    #[test]
    fn a_non_map_is_refused_naming_the_tagged_enum_expected() {
        let err = action(r#""obligate""#).unwrap_err().to_string();
        assert!(
            err.contains("expected internally tagged enum Action"),
            "{err}"
        );
        let err = serde_json::from_str::<Funding>("[]")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("expected internally tagged enum Funding"),
            "{err}"
        );
    }

    /// A map whose keys or tag are not text (as a map of another format can be) is
    /// refused saying what was expected in that place.
    #[test]
    fn a_key_or_tag_that_is_not_text_is_refused_saying_what_was_expected() {
        use serde::de::value::MapDeserializer;
        use serde_json::Value;
        let read = |entries: Vec<(Value, Value)>| {
            let map = MapDeserializer::<_, serde_json::Error>::new(entries.into_iter());
            Action::deserialize(map).unwrap_err().to_string()
        };
        let err = read(vec![(Value::from(1), Value::from("obligate"))]);
        assert!(err.contains("expected a field name"), "{err}");
        let err = read(vec![(Value::from("type"), Value::from(true))]);
        assert!(err.contains("expected a variant identifier"), "{err}");
        let err = read(vec![
            (Value::from("type"), Value::from("rescind")),
            (Value::from(2), Value::from("x")),
        ]);
        assert!(err.contains("expected a field name"), "{err}");
    }
}
