//! JSON objects that refuse duplicate keys, at any depth.
//!
//! serde_json keeps the last of two equal keys in a map without a word; for a payload that
//! decides who gets which role, silently picking one of two values is accepting data nobody
//! can vouch for. Struct fields already refuse duplicates (serde's derive); these visitors do
//! the same for the open maps (metadata, unknown keys) at the cost of the insert they make anyway.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

/// Deserializes an object, refusing duplicate keys in it and in every object inside it.
pub(crate) fn map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Map<String, Value>, D::Error> {
    deserializer.deserialize_map(MapVisitor)
}

struct MapVisitor;

impl<'de> Visitor<'de> for MapVisitor {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let StrictValue(value) = access.next_value()?;
            insert_new(&mut map, key.into(), value)?;
        }
        Ok(map)
    }
}

/// A JSON object that refuses duplicate keys, in it and in every object inside it.
pub(crate) struct StrictMap(pub(crate) Map<String, Value>);

impl<'de> de::Deserialize<'de> for StrictMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        map(deserializer).map(StrictMap)
    }
}

/// A JSON value whose objects refuse duplicate keys.
pub(crate) struct StrictValue(pub(crate) Value);

impl<'de> de::Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor).map(StrictValue)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(access.size_hint().unwrap_or(0).min(4096));
        while let Some(StrictValue(item)) = access.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, access: A) -> Result<Value, A::Error> {
        MapVisitor.visit_map(access).map(Value::Object)
    }
}

/// Reads a field into its slot once; a second one is the derive's "duplicate field" error, given
/// before its value is read, as the derive gives it.
pub(crate) fn once<T, E: de::Error>(
    slot: &mut Option<T>,
    name: &'static str,
    read: impl FnOnce() -> Result<T, E>,
) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::duplicate_field(name));
    }
    *slot = Some(read()?);
    Ok(())
}

/// Inserts an open map's entry, refusing a key it has already (naming the key, never a value).
pub(crate) fn insert_new<E: de::Error>(
    map: &mut Map<String, Value>,
    key: std::borrow::Cow<'_, str>,
    value: Value,
) -> Result<(), E> {
    match map.entry(key.into_owned()) {
        Entry::Occupied(entry) => Err(E::custom(format_args!("duplicate key `{}`", entry.key()))),
        Entry::Vacant(entry) => {
            entry.insert(value);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::wire::error::parse_json_str;

    /// A field given twice is refused as such, before its second value is read, as serde's
    /// derive refuses it: the second value's own fault is not what the error names.
    #[test]
    fn a_field_twice_is_refused_before_its_second_value_is_read() {
        let user = r#"{"id": "1111a1a1-a11a-1111-aa11-aaa11111a11a", "id": 7}"#;
        let err = parse_json_str::<crate::User>(user).err().unwrap();
        assert!(err.contains("duplicate field `id`"), "{err}");
        let payload = r#"{"event": "signup", "event": 7}"#;
        let err = parse_json_str::<crate::IdentityEvent>(payload)
            .err()
            .unwrap();
        assert!(err.contains("duplicate field `event`"), "{err}");
        let app = r#"{"roles": [], "roles": 7}"#;
        let err = parse_json_str::<crate::AppMetadata>(app).err().unwrap();
        assert!(err.contains("duplicate field `roles`"), "{err}");
        let claims = r#"{"sub": "a", "sub": 7}"#;
        let err = parse_json_str::<crate::wire::context::Claims>(claims)
            .err()
            .unwrap();
        assert!(err.contains("duplicate field `sub`"), "{err}");
    }

    #[test]
    fn a_key_twice_in_an_open_map_is_refused_naming_the_key() {
        let err = parse_json_str::<super::StrictMap>(r#"{"a": {"b": 1, "b": 2}}"#)
            .err()
            .unwrap();
        assert!(err.contains("duplicate key `b`"), "{err}");
    }
}
