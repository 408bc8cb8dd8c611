//! A user's `app_metadata` (`user_metadata` is in its own module).
//!
//! Netlify Identity *replaces* a metadata object with whatever a function returns; it does not
//! merge (docs/protocol.md, "The response GoTrue expects"). Both types therefore keep every key they
//! do not model, so that writing one back never drops anything.

use serde::de::DeserializeOwned;
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::model::other_keys::OtherKeys;
use crate::model::typed::{self, MetadataError};

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

/// `null` reads as an empty object that remembers it: GoTrue's user type sends a nil map as
/// `null`. A key twice is refused, at any depth.
impl<'de> Deserialize<'de> for AppMetadata {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<Object>::deserialize(deserializer)? {
            Some(object) => AppMetadata {
                provider: object.provider,
                roles: object.roles,
                other: object.other,
            },
            None => AppMetadata::null(),
        })
    }
}

/// An `app_metadata` object as it is sent.
#[derive(Deserialize)]
#[serde(rename = "AppMetadata")]
struct Object {
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    roles: Option<Vec<String>>,
    #[serde(flatten)]
    other: OtherKeys,
}

impl AppMetadata {
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

    /// The object read as the site's own type: any serde type written as an object, naming the
    /// keys it cares about (`provider` and `roles` too, if it wants them; roles may be an enum
    /// of the site's roles). Keys it does not name are ignored, unless the type refuses unknown
    /// fields. An object sent as `null` reads as `{}`, so fields with `#[serde(default)]` fill
    /// in. Handlers usually take [`AppData<T>`](crate::AppData) instead, which answers a misfit
    /// as a fault.
    ///
    /// ```
    /// use identity_runtime::AppMetadata;
    /// use serde::Deserialize;
    ///
    /// #[derive(Deserialize, PartialEq, Debug)]
    /// #[serde(rename_all = "lowercase")]
    /// enum Role { Member, Editor }
    ///
    /// #[derive(Deserialize)]
    /// struct Billing { plan: String, #[serde(default)] roles: Vec<Role> }
    ///
    /// let meta: AppMetadata =
    ///     serde_json::from_str(r#"{"provider":"email","roles":["editor"],"plan":"pro"}"#).unwrap();
    /// let billing: Billing = meta.read().unwrap();
    /// assert_eq!((billing.plan.as_str(), billing.roles), ("pro", vec![Role::Editor]));
    /// ```
    pub fn read<T: DeserializeOwned>(&self) -> Result<T, MetadataError> {
        typed::read("app_metadata", self.to_json())
    }

    /// The object as JSON: `provider` and `roles` when set, and the other keys; `{}` for an
    /// object sent as `null`.
    pub(crate) fn to_json(&self) -> Value {
        let mut object = self.other.as_map().clone();
        if let Some(provider) = &self.provider {
            object.insert("provider".into(), provider.clone().into());
        }
        if let Some(roles) = &self.roles {
            object.insert(
                "roles".into(),
                roles.iter().cloned().map(Value::String).collect(),
            );
        }
        Value::Object(object)
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
