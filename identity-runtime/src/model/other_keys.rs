//! The keys of `app_metadata` that are neither `provider` nor `roles`: the site's own.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::model::strict::StrictMap;

/// The keys of an [`AppMetadata`](crate::AppMetadata) other than `provider` and `roles`,
/// kept and written back as they came.
///
/// It reads like a map of JSON values ([`get`](Self::get), [`as_map`](Self::as_map), iteration)
/// and is edited with [`insert`](Self::insert) and [`remove`](Self::remove).
///
/// ```
/// use identity_runtime::AppMetadata;
///
/// let meta: AppMetadata =
///     serde_json::from_str(r#"{"provider":"email","plan":"pro","seats":3}"#).unwrap();
/// assert_eq!(meta.other.get("plan").and_then(|v| v.as_str()), Some("pro"));
/// assert_eq!(meta.other.len(), 2);
/// let keys: Vec<&String> = meta.other.iter().map(|(key, _)| key).collect();
/// assert_eq!(keys, ["plan", "seats"]);
/// ```
#[derive(Clone, Default)]
pub struct OtherKeys {
    map: Map<String, Value>,
    /// Whether the whole `app_metadata` was sent as `null` and no key was set since (see
    /// [`AppMetadata::is_null`](crate::AppMetadata::is_null)).
    null: bool,
}

impl OtherKeys {
    /// The keys of an `app_metadata` sent as `null`: none, remembering the `null`.
    pub(crate) fn null() -> OtherKeys {
        OtherKeys {
            null: true,
            ..OtherKeys::default()
        }
    }

    /// Whether the object they belong to was sent as `null` and no key was set since.
    pub(crate) fn is_null(&self) -> bool {
        self.null && self.is_empty()
    }

    /// The value of `key`, if present.
    ///
    /// ```
    /// # let meta: identity_runtime::AppMetadata = serde_json::from_str(r#"{"plan":"pro"}"#).unwrap();
    /// assert_eq!(meta.other.get("plan"), Some(&"pro".into()));
    /// assert_eq!(meta.other.get("provider"), None);
    /// ```
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map().get(key)
    }

    /// Whether `key` is present.
    ///
    /// ```
    /// # let meta: identity_runtime::AppMetadata = serde_json::from_str(r#"{"plan":"pro"}"#).unwrap();
    /// assert!(meta.other.contains_key("plan"));
    /// ```
    pub fn contains_key(&self, key: &str) -> bool {
        self.as_map().contains_key(key)
    }

    /// How many keys there are.
    ///
    /// ```
    /// assert_eq!(identity_runtime::OtherKeys::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.as_map().len()
    }

    /// Whether there are none.
    ///
    /// ```
    /// assert!(identity_runtime::OtherKeys::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.as_map().is_empty()
    }

    /// The keys and their values, in the map's order (by key).
    ///
    /// ```
    /// # let meta: identity_runtime::AppMetadata = serde_json::from_str(r#"{"b":2,"a":1}"#).unwrap();
    /// let keys: Vec<&str> = meta.other.iter().map(|(key, _)| key.as_str()).collect();
    /// assert_eq!(keys, ["a", "b"]);
    /// ```
    pub fn iter(&self) -> serde_json::map::Iter<'_> {
        self.as_map().iter()
    }

    /// Every key and value, as a map.
    ///
    /// ```
    /// # let meta: identity_runtime::AppMetadata = serde_json::from_str(r#"{"plan":"pro"}"#).unwrap();
    /// assert_eq!(meta.other.as_map()["plan"], "pro");
    /// ```
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.map
    }

    /// The keys as a map of their own.
    ///
    /// ```
    /// # let meta: identity_runtime::AppMetadata = serde_json::from_str(r#"{"plan":"pro"}"#).unwrap();
    /// let map = meta.other.into_map();
    /// assert_eq!(map["plan"], "pro");
    /// ```
    pub fn into_map(self) -> Map<String, Value> {
        self.map
    }

    /// Sets `key` to `value`, answering the value it replaced.
    ///
    /// ```
    /// let mut other = identity_runtime::OtherKeys::default();
    /// assert_eq!(other.insert("plan", "pro"), None);
    /// assert_eq!(other.insert("plan", "team"), Some("pro".into()));
    /// ```
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>) -> Option<Value> {
        self.map_mut().insert(key.into(), value.into())
    }

    /// Removes `key`, answering its value.
    ///
    /// ```
    /// # let mut meta: identity_runtime::AppMetadata = serde_json::from_str(r#"{"plan":"pro"}"#).unwrap();
    /// assert_eq!(meta.other.remove("plan"), Some("pro".into()));
    /// assert!(meta.other.is_empty());
    /// ```
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        if self.null {
            // Nothing to remove from `null`, which stays `null`.
            return None;
        }
        self.map_mut().remove(key)
    }

    fn map_mut(&mut self) -> &mut Map<String, Value> {
        self.null = false;
        &mut self.map
    }
}

impl From<Map<String, Value>> for OtherKeys {
    fn from(map: Map<String, Value>) -> Self {
        OtherKeys { map, null: false }
    }
}

impl<'a> IntoIterator for &'a OtherKeys {
    type Item = (&'a String, &'a Value);
    type IntoIter = serde_json::map::Iter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl PartialEq for OtherKeys {
    fn eq(&self, other: &Self) -> bool {
        self.is_null() == other.is_null() && self.as_map() == other.as_map()
    }
}

impl fmt::Debug for OtherKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_map(), f)
    }
}

impl Serialize for OtherKeys {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_map().serialize(serializer)
    }
}

/// Reads an object, refusing duplicate keys at any depth.
impl<'de> Deserialize<'de> for OtherKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        StrictMap::deserialize(deserializer).map(|map| OtherKeys::from(map.0))
    }
}
