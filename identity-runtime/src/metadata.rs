//! A user's `app_metadata` (`user_metadata` is in its own module).
//!
//! Netlify Identity *replaces* a metadata object with whatever a function returns; it does not
//! merge (PROTOCOL.md, "The answer GoTrue expects"). Both types therefore keep every key they
//! do not model, so that writing one back never drops anything.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::body_writer::BodyWriter;
use crate::other_keys::OtherKeys;
use crate::scanner::{self, DistinctKeys, Scanner};
use crate::strict::{StrictValue, insert_new, once};
use crate::text::Text;

/// A user's `app_metadata`: set by the server and by functions, never by the user.
///
/// `provider` and `roles` are typed; every other key is kept in [`AppMetadata::other`] and
/// written back out unchanged.
///
/// ```
/// use identity_runtime::AppMetadata;
///
/// let meta: AppMetadata =
///     serde_json::from_str(r#"{"provider":"email","roles":["admin"],"plan":"pro"}"#).unwrap();
/// assert_eq!(meta.provider.as_deref(), Some("email"));
/// assert!(meta.has_role("admin"));
/// assert_eq!(meta.other.get("plan"), Some(&"pro".into()));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppMetadata {
    /// `"email"` for password signups, else the external provider's name (`"github"`, …).
    pub provider: Option<String>,
    /// The user's roles. `None` until something sets them: GoTrue only writes the key once a
    /// role has been given, and keeping `None` apart from `Some(vec![])` round-trips exactly.
    pub roles: Option<Vec<String>>,
    /// Every other key, kept as it came (and, in an invocation, read when first asked for).
    pub other: OtherKeys,
}

/// `provider` and `roles` when set, then the other keys; `null` for an object sent as `null`
/// that nothing set a key of since (see [`AppMetadata::is_null`]).
impl Serialize for AppMetadata {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.is_null() {
            return serializer.serialize_none();
        }
        let mut map = serializer.serialize_map(None)?;
        if let Some(provider) = &self.provider {
            map.serialize_entry("provider", provider)?;
        }
        if let Some(roles) = &self.roles {
            map.serialize_entry("roles", roles)?;
        }
        for (key, value) in &self.other {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

// Written out rather than derived with `#[serde(flatten)]`, which buffers the whole object
// before deserialising it again (see `User`). `null` reads as an empty object that remembers
// it: GoTrue's user type sends a nil map as `null`.
impl<'de> Deserialize<'de> for AppMetadata {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_option(AppMetadataVisitor)
    }
}

struct AppMetadataVisitor;

impl<'de> Visitor<'de> for AppMetadataVisitor {
    type Value = AppMetadata;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("struct AppMetadata")
    }

    fn visit_none<E: de::Error>(self) -> Result<AppMetadata, E> {
        Ok(AppMetadata::null())
    }

    fn visit_unit<E: de::Error>(self) -> Result<AppMetadata, E> {
        Ok(AppMetadata::null())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<AppMetadata, D::Error> {
        deserializer.deserialize_map(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AppMetadata, A::Error> {
        let mut provider: Option<Option<String>> = None;
        let mut roles: Option<Option<Vec<String>>> = None;
        let mut other = Map::new();
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            match &*key {
                "provider" => once(&mut provider, "provider", || map.next_value())?,
                "roles" => once(&mut roles, "roles", || map.next_value())?,
                _ => {
                    let StrictValue(value) = map.next_value()?;
                    insert_new(&mut other, key, value)?;
                }
            }
        }
        Ok(AppMetadata {
            provider: provider.flatten(),
            roles: roles.flatten(),
            other: other.into(),
        })
    }
}

impl AppMetadata {
    /// Reads an `app_metadata` object with the direct scan (see `scanner`), as serde_json reads
    /// it, or `None` when unsure.
    ///
    /// The keys other than `provider` and `roles` are only checked, and kept as the object's
    /// text ([`OtherKeys`]), when the scan's own reader would build them all; otherwise, or when
    /// there are more than a few, the object is read again with them built at once.
    pub(crate) fn scan<const IN_STRING: bool>(
        s: &mut Scanner<'_, IN_STRING>,
    ) -> Option<AppMetadata> {
        if s.peek()? == b'n' {
            return s.literal(b"null").map(|()| AppMetadata::null());
        }
        let start = s.i;
        let mut provider = None;
        let mut roles = None;
        let mut keys: Option<DistinctKeys<'_>> = None;
        let checked = s.object(|s, key| match &*key {
            "provider" => scanner::once(&mut provider, s.nullable(Scanner::owned)?),
            "roles" => scanner::once(&mut roles, s.nullable(Scanner::strings)?),
            _ => {
                keys.get_or_insert_default().insert(key)?;
                s.check_value(3)
            }
        });
        if checked.is_none() {
            s.i = start;
            return Self::scan_at_once(s);
        }
        let other = if keys.is_some() {
            OtherKeys::received(s.text.get(start..s.i)?, IN_STRING)
        } else {
            OtherKeys::default()
        };
        Some(AppMetadata {
            provider: provider.flatten(),
            roles: roles.flatten(),
            other,
        })
    }

    /// Writes the object as JSON, as its `Serialize` writes it (the keys it keeps as received, as
    /// they came: see [`OtherKeys`]).
    pub(crate) fn write_json(&self, out: &mut BodyWriter<'_>) -> Option<()> {
        if self.is_null() {
            out.text("null");
            return Some(());
        }
        out.punct(b'{');
        let mut first = true;
        if let Some(provider) = &self.provider {
            out.key("provider");
            out.value(provider)?;
            first = false;
        }
        if let Some(roles) = &self.roles {
            if !first {
                out.punct(b',');
            }
            out.key("roles");
            out.value(roles)?;
            first = false;
        }
        self.other.write_members(out, first)?;
        out.punct(b'}');
        Some(())
    }

    /// [`scan`](Self::scan) with every key built at once.
    pub(crate) fn scan_at_once<const IN_STRING: bool>(
        s: &mut Scanner<'_, IN_STRING>,
    ) -> Option<AppMetadata> {
        let mut provider = None;
        let mut roles = None;
        let mut other = Map::new();
        s.object(|s, key| match &*key {
            "provider" => scanner::once(&mut provider, s.nullable(Scanner::owned)?),
            "roles" => scanner::once(&mut roles, s.nullable(Scanner::strings)?),
            _ => s.insert_new(&mut other, key, 3),
        })?;
        Some(AppMetadata {
            provider: provider.flatten(),
            roles: roles.flatten(),
            other: other.into(),
        })
    }

    /// The `app_metadata` of a user GoTrue sent as `null`.
    pub(crate) fn null() -> AppMetadata {
        AppMetadata {
            provider: None,
            roles: None,
            other: OtherKeys::null(),
        }
    }

    /// Whether the object was sent as JSON `null` and nothing set a key of it since.
    ///
    /// GoTrue's user type sends a nil map as `null`. It reads as an empty object; written back
    /// unedited it stays `null`, which leaves GoTrue's value alone, while `{}` would clear it.
    ///
    /// ```
    /// use identity_runtime::AppMetadata;
    ///
    /// let mut meta: AppMetadata = serde_json::from_str("null").unwrap();
    /// assert!(meta.is_null() && meta.roles().is_empty() && meta.provider.is_none());
    /// assert_eq!(serde_json::to_string(&meta).unwrap(), "null");
    /// meta.roles = Some(vec!["member".into()]);
    /// assert!(!meta.is_null());
    /// assert_eq!(serde_json::to_string(&meta).unwrap(), r#"{"roles":["member"]}"#);
    /// ```
    pub fn is_null(&self) -> bool {
        self.provider.is_none() && self.roles.is_none() && self.other.is_null()
    }

    /// The user's roles; empty when none were ever set.
    ///
    /// ```
    /// # use identity_runtime::AppMetadata;
    /// assert!(AppMetadata::default().roles().is_empty());
    /// ```
    pub fn roles(&self) -> &[String] {
        self.roles.as_deref().unwrap_or_default()
    }

    /// Whether the user has `role`.
    ///
    /// ```
    /// # use identity_runtime::AppMetadata;
    /// let meta = AppMetadata { roles: Some(vec!["editor".into()]), ..Default::default() };
    /// assert!(meta.has_role("editor") && !meta.has_role("admin"));
    /// ```
    pub fn has_role(&self, role: &str) -> bool {
        self.roles().iter().any(|r| r == role)
    }

    /// The value of a key that is neither `provider` nor `roles`.
    ///
    /// ```
    /// # use identity_runtime::AppMetadata;
    /// let meta: AppMetadata = serde_json::from_str(r#"{"plan":"pro"}"#).unwrap();
    /// assert_eq!(meta.get("plan").and_then(|v| v.as_str()), Some("pro"));
    /// ```
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.other.get(key)
    }
}
