//! The keys of `app_metadata` that are neither `provider` nor `roles`, read when first asked for.
//!
//! A site's own `app_metadata` keys (a plan, a customer id, nested settings) are written back
//! unchanged and rarely read by an identity function, yet building them into maps of JSON values
//! and freeing them again was an eighth of a typical invocation's instructions. An invocation
//! therefore keeps the `app_metadata` object's text, checked by the scan to hold only what it
//! reads exactly as serde_json does (each key once at every depth, no number serde_json makes a
//! float); anything else is read at once, as before. The text is read into a map the first time
//! a handler or the answer asks for it, by the same reader, so what is found then is what would
//! have been found at once, and no refusal is left for later.

use std::fmt;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::AppMetadata;
use crate::body_writer::BodyWriter;
use crate::scanner::Scanner;
use crate::strict::StrictMap;

/// The keys of an [`AppMetadata`](crate::AppMetadata) other than `provider` and `roles`,
/// kept and written back as they came.
///
/// It reads like a map of JSON values ([`get`](Self::get), [`as_map`](Self::as_map), iteration)
/// and is edited with [`insert`](Self::insert) and [`remove`](Self::remove). In an invocation it
/// is read lazily: the keys are read into a map the first time something asks for them.
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
    /// The keys when built, deserialized or edited; empty while `received` holds them.
    map: Map<String, Value>,
    /// The keys as an invocation received them, until an edit; shared by clones (a change
    /// starts as one).
    received: Option<Arc<Received>>,
    /// Whether the whole `app_metadata` was sent as `null` and no key was set since (see
    /// [`AppMetadata::is_null`](crate::AppMetadata::is_null)).
    null: bool,
}

struct Received {
    /// The whole `app_metadata` object, its typed keys among the others.
    raw: Box<str>,
    /// Whether `raw` stands as it did inside the event's body string, its quotes and
    /// backslashes escaped (see [`Scanner`]'s `IN_STRING`).
    in_string: bool,
    parsed: OnceLock<Map<String, Value>>,
}

impl Received {
    fn parsed(&self) -> &Map<String, Value> {
        self.parsed.get_or_init(|| {
            // The scan that kept the text checked that this reader builds all of it; were that
            // ever wrong, the keys would read as empty (the `payload_scan` and `context` fuzz
            // targets compare every reading with serde_json's, which would tell).
            let read = if self.in_string {
                AppMetadata::scan_at_once(&mut Scanner::in_string(&self.raw, 0))
            } else {
                AppMetadata::scan_at_once(&mut Scanner::new(&self.raw))
            };
            debug_assert!(read.is_some(), "the kept app_metadata did not read again");
            read.map(|meta| meta.other.into_map()).unwrap_or_default()
        })
    }

    fn into_parsed(self: Arc<Self>) -> Map<String, Value> {
        match Arc::try_unwrap(self) {
            Ok(received) => {
                received.parsed();
                received.parsed.into_inner().unwrap_or_default()
            }
            Err(shared) => shared.parsed().clone(),
        }
    }

    /// The keys, as members of the object being written to `out`, each as it stands in the text
    /// (its `\"` and `\\` unescaped when it stood in the body string and plain JSON is
    /// written).
    fn write_raw(&self, out: &mut BodyWriter<'_>, first: bool) -> Option<()> {
        if self.in_string {
            write_others(&mut Scanner::in_string(&self.raw, 0), out, first)
        } else {
            write_others(&mut Scanner::new(&self.raw), out, first)
        }
    }
}

fn write_others<const IN_STRING: bool>(
    s: &mut Scanner<'_, IN_STRING>,
    out: &mut BodyWriter<'_>,
    mut first: bool,
) -> Option<()> {
    s.object(|s, key| {
        if key == "provider" || key == "roles" {
            return s.skip_value(3);
        }
        let value = s.raw_value(3)?;
        if !std::mem::take(&mut first) {
            out.punct(b',');
        }
        out.value(&*key)?;
        out.punct(b':');
        if IN_STRING {
            out.text_in_string(value)
        } else {
            out.text(value);
            Some(())
        }
    })
}

impl OtherKeys {
    /// Keeps the text of an `app_metadata` object that the scan checked, to be read when asked
    /// for.
    pub(crate) fn received(raw: &str, in_string: bool) -> OtherKeys {
        OtherKeys {
            map: Map::new(),
            received: Some(Arc::new(Received {
                raw: raw.into(),
                in_string,
                parsed: OnceLock::new(),
            })),
            null: false,
        }
    }

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

    /// Whether the keys are the text an invocation kept, unread or read.
    #[cfg(test)]
    pub(crate) fn is_kept(&self) -> bool {
        self.received.is_some()
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
        match &self.received {
            Some(received) => received.parsed(),
            None => &self.map,
        }
    }

    /// The keys as a map of their own.
    ///
    /// ```
    /// # let meta: identity_runtime::AppMetadata = serde_json::from_str(r#"{"plan":"pro"}"#).unwrap();
    /// let map = meta.other.into_map();
    /// assert_eq!(map["plan"], "pro");
    /// ```
    pub fn into_map(self) -> Map<String, Value> {
        match self.received {
            Some(received) => received.into_parsed(),
            None => self.map,
        }
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

    /// Writes the keys as members of the JSON object being written to `out`, a comma before
    /// each unless `first` and it is the first; keys still kept as received (unedited, read or
    /// not) are copied as they came, without going through a map.
    pub(crate) fn write_members(&self, out: &mut BodyWriter<'_>, first: bool) -> Option<()> {
        if let Some(received) = &self.received {
            let start = out.len();
            if received.write_raw(out, first).is_some() {
                return Some(());
            }
            // Kept text read in the body string holds no escape of that string's but `\"` and
            // `\\` (the scan reads no other in place); were that ever not so, the map it reads
            // as is written instead.
            out.truncate(start);
        }
        let mut first = first;
        for (key, value) in self.as_map() {
            if !std::mem::take(&mut first) {
                out.punct(b',');
            }
            out.value(key)?;
            out.punct(b':');
            out.value(value)?;
        }
        Some(())
    }

    fn map_mut(&mut self) -> &mut Map<String, Value> {
        self.null = false;
        if let Some(received) = self.received.take() {
            self.map = received.into_parsed();
        }
        &mut self.map
    }
}

impl From<Map<String, Value>> for OtherKeys {
    fn from(map: Map<String, Value>) -> Self {
        OtherKeys {
            map,
            received: None,
            null: false,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn received_keys_read_as_the_object_without_its_typed_keys() {
        let other = OtherKeys::received(
            r#"{"provider":"github","plan":{"tier":"pro"},"roles":["a"],"seats":3}"#,
            false,
        );
        assert_eq!(other.len(), 2);
        assert_eq!(other.get("plan"), Some(&serde_json::json!({"tier": "pro"})));
        assert!(other.get("provider").is_none() && other.get("roles").is_none());
        let in_string = OtherKeys::received(r#"{\"plan\":\"pro\",\"provider\":null}"#, true);
        assert_eq!(in_string.as_map().len(), 1);
        assert_eq!(in_string.get("plan"), Some(&"pro".into()));
    }

    #[test]
    fn an_edit_of_received_keys_keeps_the_others() {
        let mut other = OtherKeys::received(r#"{"a":1,"b":2}"#, false);
        assert_eq!(other.insert("c", 3), None);
        assert_eq!(other.remove("a"), Some(1.into()));
        let keys: Vec<&str> = other.iter().map(|(key, _)| key.as_str()).collect();
        assert_eq!(keys, ["b", "c"]);
        assert_eq!(
            other,
            OtherKeys::from(
                serde_json::from_str::<Map<String, Value>>(r#"{"b":2,"c":3}"#).unwrap()
            )
        );
    }
}
