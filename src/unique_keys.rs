//! serde for JSON maps in which a key may appear once.
//!
//! serde's derived reader of a `BTreeMap` lets a repeated key win silently (the last one
//! read replaces the first), so `{"113": ["training"], "113": ["sales"]}` would change a
//! configuration without a word. Fields read with this module refuse the repeated key,
//! naming it, as repeated fields of a struct are refused.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{Deserializer, Error, MapAccess, Visitor};

struct Unique<K, V>(PhantomData<(K, V)>);

impl<'de, K, V> Visitor<'de> for Unique<K, V>
where
    K: Deserialize<'de> + Ord + fmt::Display,
    V: Deserialize<'de>,
{
    type Value = BTreeMap<K, V>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map in which each key appears once")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BTreeMap<K, V>, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(key) = map.next_key::<K>()? {
            if out.contains_key(&key) {
                return Err(A::Error::custom(format_args!(
                    "duplicate key `{key}`: each key may appear once"
                )));
            }
            let value = map.next_value()?;
            out.insert(key, value);
        }
        Ok(out)
    }
}

/// A map whose keys each appear once; a repeated key is an error naming it.
pub(crate) fn deserialize<'de, D, K, V>(d: D) -> Result<BTreeMap<K, V>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Ord + fmt::Display,
    V: Deserialize<'de>,
{
    d.deserialize_map(Unique(PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Config {
        #[serde(deserialize_with = "deserialize")]
        map: BTreeMap<u16, String>,
    }

    #[test]
    fn a_repeated_key_is_refused_and_named() {
        let ok: Config = serde_json::from_str(r#"{"map": {"113": "a", "114": "b"}}"#).unwrap();
        assert_eq!(ok.map.len(), 2);
        let err = serde_json::from_str::<Config>(r#"{"map": {"113": "a", "113": "b"}}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("duplicate key `113`"), "{err}");
        // A key of the wrong type is still refused by the key's own reader.
        assert!(serde_json::from_str::<Config>(r#"{"map": {"x": "a"}}"#).is_err());
    }
}
