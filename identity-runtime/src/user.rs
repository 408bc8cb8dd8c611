//! The user an identity event is about.

use chrono::{DateTime, Utc};
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::change::MetadataChange;
use crate::metadata::AppMetadata;
use crate::strict::{StrictValue, insert_new, once};
use crate::text::Text;
use crate::timestamp::Timestamp;
use crate::user_metadata::UserMetadata;

/// The user of an identity event, with every field GoTrue sends (PROTOCOL.md, "The body").
///
/// Fields GoTrue only sends once they are set are `Option`s. Keys this type does not know are
/// kept in [`User::other`] and written back out, so a user round-trips without loss.
///
/// ```
/// use identity_runtime::User;
///
/// let user: User = serde_json::from_str(r#"{
///     "id": "1111a1a1-a11a-1111-aa11-aaa11111a11a", "aud": "", "role": "",
///     "email": "ada@example.com",
///     "app_metadata": {"provider": "email"}, "user_metadata": {"full_name": "Ada"},
///     "created_at": "2026-11-27T10:00:00.123456Z", "update_at": "2026-11-27T10:00:00Z"
/// }"#).unwrap();
/// assert_eq!(user.email_domain(), Some("example.com"));
/// assert!(user.confirmed_at.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    /// The user's id.
    pub id: Uuid,
    /// The audience; real senders may send an empty string.
    #[serde(default)]
    pub aud: String,
    /// The GoTrue role (not the `app_metadata` roles); may be an empty string.
    #[serde(default)]
    pub role: String,
    /// The e-mail address the user signed up with.
    pub email: String,
    /// Server-side metadata: provider, roles, and whatever functions set.
    pub app_metadata: AppMetadata,
    /// User-editable metadata.
    pub user_metadata: UserMetadata,
    /// When the user was created.
    pub created_at: DateTime<Utc>,
    /// When the user was last updated. Netlify's CLI sends this misspelt as `update_at`.
    pub updated_at: DateTime<Utc>,
    /// When the e-mail address was confirmed; absent in a `signup` event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_at: Option<DateTime<Utc>>,
    /// When the user was invited, for invited users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invited_at: Option<DateTime<Utc>>,
    /// When the confirmation e-mail was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmation_sent_at: Option<DateTime<Utc>>,
    /// When a recovery e-mail was last sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_sent_at: Option<DateTime<Utc>>,
    /// An e-mail address waiting for confirmation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_email: Option<String>,
    /// When the e-mail change was requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_change_sent_at: Option<DateTime<Utc>>,
    /// The *previous* sign-in, in a `login` event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// Every other key, kept as it came.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

// Written out rather than derived: `#[serde(flatten)]` makes serde buffer the whole object before
// deserialising it again, on every invocation. This visitor sends unknown keys to `other` as it
// goes, refusing duplicates like the derive does for known fields.
impl<'de> Deserialize<'de> for User {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(UserVisitor { received: false })
    }
}

/// A user as an invocation reads it: `user_metadata` is kept as text until a handler reads it
/// (see [`UserMetadata`]). For serde_json's deserializers only.
pub(crate) struct ReceivedUser(pub(crate) User);

impl<'de> Deserialize<'de> for ReceivedUser {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ReceivedUser, D::Error> {
        deserializer
            .deserialize_map(UserVisitor { received: true })
            .map(ReceivedUser)
    }
}

/// A user's fields as a reader finds them, each at most once: the serde visitor and the
/// payload's direct scan (`event::scan`) fill the same slots and make the user alike.
#[derive(Default)]
pub(crate) struct UserFields {
    pub(crate) id: Option<Uuid>,
    pub(crate) aud: Option<String>,
    pub(crate) role: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) app_metadata: Option<AppMetadata>,
    pub(crate) user_metadata: Option<UserMetadata>,
    pub(crate) created_at: Option<DateTime<Utc>>,
    pub(crate) updated_at: Option<DateTime<Utc>>,
    pub(crate) confirmed_at: Option<Option<DateTime<Utc>>>,
    pub(crate) invited_at: Option<Option<DateTime<Utc>>>,
    pub(crate) confirmation_sent_at: Option<Option<DateTime<Utc>>>,
    pub(crate) recovery_sent_at: Option<Option<DateTime<Utc>>>,
    pub(crate) new_email: Option<Option<String>>,
    pub(crate) email_change_sent_at: Option<Option<DateTime<Utc>>>,
    pub(crate) last_sign_in_at: Option<Option<DateTime<Utc>>>,
    pub(crate) other: Map<String, Value>,
}

impl UserFields {
    /// The user, or the first required field missing, in the order serde's derive names them.
    // Inlined always, into the scan's reader too: callgrind counted 110 instructions more per
    // small invocation when LLVM left it a call.
    #[inline(always)]
    pub(crate) fn finish(self) -> Result<User, &'static str> {
        Ok(User {
            id: self.id.ok_or("id")?,
            aud: self.aud.unwrap_or_default(),
            role: self.role.unwrap_or_default(),
            email: self.email.ok_or("email")?,
            app_metadata: self.app_metadata.ok_or("app_metadata")?,
            user_metadata: self.user_metadata.ok_or("user_metadata")?,
            created_at: self.created_at.ok_or("created_at")?,
            updated_at: self.updated_at.ok_or("updated_at")?,
            // `null` for an optional field is the same as its absence.
            confirmed_at: self.confirmed_at.flatten(),
            invited_at: self.invited_at.flatten(),
            confirmation_sent_at: self.confirmation_sent_at.flatten(),
            recovery_sent_at: self.recovery_sent_at.flatten(),
            new_email: self.new_email.flatten(),
            email_change_sent_at: self.email_change_sent_at.flatten(),
            last_sign_in_at: self.last_sign_in_at.flatten(),
            other: self.other,
        })
    }
}

struct UserVisitor {
    /// Whether `user_metadata` is kept as text.
    received: bool,
}

impl<'de> Visitor<'de> for UserVisitor {
    type Value = User;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("struct User")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<User, A::Error> {
        let mut f = UserFields::default();
        // A timestamp through the short path of `Timestamp`, not chrono's own deserializer.
        let time = |t: Timestamp| t.0;
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            match &*key {
                "id" => once(&mut f.id, "id", || map.next_value())?,
                "aud" => once(&mut f.aud, "aud", || map.next_value())?,
                "role" => once(&mut f.role, "role", || map.next_value())?,
                "email" => once(&mut f.email, "email", || map.next_value())?,
                "app_metadata" => once(&mut f.app_metadata, "app_metadata", || map.next_value())?,
                "user_metadata" if self.received => {
                    once(&mut f.user_metadata, "user_metadata", || {
                        map.next_value_seed(ReceivedMetadata)
                    })?
                }
                "user_metadata" => {
                    once(&mut f.user_metadata, "user_metadata", || map.next_value())?
                }
                "created_at" => once(&mut f.created_at, "created_at", || {
                    map.next_value().map(time)
                })?,
                "updated_at" | "update_at" => once(&mut f.updated_at, "updated_at", || {
                    map.next_value().map(time)
                })?,
                "confirmed_at" => once(&mut f.confirmed_at, "confirmed_at", || {
                    map.next_value::<Option<_>>().map(|t| t.map(time))
                })?,
                "invited_at" => once(&mut f.invited_at, "invited_at", || {
                    map.next_value::<Option<_>>().map(|t| t.map(time))
                })?,
                "confirmation_sent_at" => {
                    once(&mut f.confirmation_sent_at, "confirmation_sent_at", || {
                        map.next_value::<Option<_>>().map(|t| t.map(time))
                    })?;
                }
                "recovery_sent_at" => once(&mut f.recovery_sent_at, "recovery_sent_at", || {
                    map.next_value::<Option<_>>().map(|t| t.map(time))
                })?,
                "new_email" => once(&mut f.new_email, "new_email", || map.next_value())?,
                "email_change_sent_at" => {
                    once(&mut f.email_change_sent_at, "email_change_sent_at", || {
                        map.next_value::<Option<_>>().map(|t| t.map(time))
                    })?;
                }
                "last_sign_in_at" => once(&mut f.last_sign_in_at, "last_sign_in_at", || {
                    map.next_value::<Option<_>>().map(|t| t.map(time))
                })?,
                _ => {
                    let StrictValue(value) = map.next_value()?;
                    insert_new(&mut f.other, key, value)?;
                }
            }
        }
        f.finish().map_err(de::Error::missing_field)
    }
}

/// `user_metadata` kept as text (`null` as an empty object that remembers it); refused here,
/// inside the value, when it is neither an object nor `null`, so that the error's path names it.
struct ReceivedMetadata;

impl<'de> de::DeserializeSeed<'de> for ReceivedMetadata {
    type Value = UserMetadata;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<UserMetadata, D::Error> {
        let raw: Box<str> = Box::<RawValue>::deserialize(deserializer)?.into();
        // What the value is, for the error; a string's text is never echoed.
        let unexpected = match raw.as_bytes().first() {
            Some(b'[') => de::Unexpected::Seq,
            Some(b'"') => de::Unexpected::Str("…"),
            Some(b't') => de::Unexpected::Bool(true),
            Some(b'f') => de::Unexpected::Bool(false),
            _ => de::Unexpected::Other("number"),
        };
        UserMetadata::received(raw)
            .map_err(|_| de::Error::invalid_type(unexpected, &"a JSON object or null"))
    }
}

impl User {
    /// The part of the e-mail address after the last `@`, lower-cased by the caller if needed.
    ///
    /// ```
    /// # let user = identity_runtime::testing::sample_user();
    /// assert_eq!(user.email_domain(), Some("trust-this-company.com"));
    /// ```
    pub fn email_domain(&self) -> Option<&str> {
        self.email.rsplit_once('@').map(|(_, domain)| domain)
    }

    /// Whether `app_metadata.roles` holds `role`.
    pub fn has_role(&self, role: &str) -> bool {
        self.app_metadata.has_role(role)
    }

    /// Starts a metadata change from this user's current metadata.
    ///
    /// Every edit on the returned [`MetadataChange`] is applied to a copy of the current objects,
    /// so the answer always carries them complete: returning it cannot drop `provider` or any
    /// other key.
    ///
    /// ```
    /// # let user = identity_runtime::testing::sample_user();
    /// let change = user.change().add_role("member");
    /// let body = change.to_body().unwrap();
    /// assert_eq!(body["app_metadata"]["provider"], "email");
    /// assert_eq!(body["app_metadata"]["roles"][0], "member");
    /// ```
    pub fn change(&self) -> MetadataChange {
        MetadataChange::new(self.app_metadata.clone(), self.user_metadata.clone())
    }

    /// Like [`User::change`], but consumes the user instead of copying its metadata.
    pub fn into_change(self) -> MetadataChange {
        MetadataChange::new(self.app_metadata, self.user_metadata)
    }
}
