//! The identity events and the payload GoTrue posts.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

use crate::model::text::Text;
use crate::model::user::User;

/// An identity event: what happened to the user.
///
/// ```
/// use identity_runtime::EventKind;
///
/// let kind: EventKind = "signup".parse().unwrap();
/// assert_eq!(kind.function_name(false), "identity-signup");
/// assert_eq!(kind.function_name(true), "identity-signup-background");
/// assert!("sign-up".parse::<EventKind>().unwrap_err().to_string().contains("expected one of"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// Inside the signup transaction, right after the user is created.
    Validate,
    /// Before the user is confirmed.
    Signup,
    /// On a password login and an external-provider login of a confirmed user.
    Login,
    /// After an admin deleted a user (`DELETE /admin/users/{id}`; self-hosted GoTrue only).
    /// GoTrue ignores the answer's body, so a handler cannot return a metadata change.
    UserDeleted,
    /// After an admin modified a user (`PUT /admin/users/{id}`; self-hosted GoTrue only).
    ///
    /// A change answered here *replaces* the metadata the admin call just merged in, and a
    /// handler that answers by calling `PUT /admin/users` itself fires `usermodified` again: a
    /// loop.
    UserModified,
}

impl EventKind {
    /// Every event, in the order GoTrue documents them.
    pub const ALL: [EventKind; 5] = [
        EventKind::Validate,
        EventKind::Signup,
        EventKind::Login,
        EventKind::UserDeleted,
        EventKind::UserModified,
    ];

    /// The event's name on the wire: `"validate"`, `"signup"`, …
    pub const fn as_str(self) -> &'static str {
        match self {
            EventKind::Validate => "validate",
            EventKind::Signup => "signup",
            EventKind::Login => "login",
            EventKind::UserDeleted => "userdeleted",
            EventKind::UserModified => "usermodified",
        }
    }

    /// The Netlify function name that receives this event: `identity-<event>`, with
    /// `-background` for a background function.
    pub fn function_name(self, background: bool) -> String {
        let suffix = if background { "-background" } else { "" };
        format!("identity-{}{suffix}", self.as_str())
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An event name that is not one of [`EventKind::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown identity event `{0}`, expected one of: validate, signup, login, userdeleted, usermodified"
)]
pub struct UnknownEvent(pub String);

impl FromStr for EventKind {
    type Err = UnknownEvent;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        EventKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
            .ok_or_else(|| UnknownEvent(name.to_owned()))
    }
}

impl Serialize for EventKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EventKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Borrowed when it can be: serde's own `Cow<str>` always copies.
        let Text(name) = Text::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

/// The payload GoTrue posts: `{"event", "instance_id", "user"}`.
///
/// `instance_id` is optional because Netlify's CLI leaves it out.
///
/// ```
/// use identity_runtime::{EventKind, IdentityEvent};
///
/// let payload = identity_runtime::testing::sample_payload(EventKind::Login);
/// let event: IdentityEvent = serde_json::from_str(&payload).unwrap();
/// assert_eq!(event.event, EventKind::Login);
/// assert!(event.instance_id.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdentityEvent {
    /// Which event this is.
    pub event: EventKind,
    /// The Identity instance, when the sender names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<Uuid>,
    /// The user the event is about.
    pub user: User,
}
