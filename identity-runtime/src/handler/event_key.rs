//! A stable key per identity event, for handlers whose side effects must not repeat.

use std::fmt;

use sha2::{Digest, Sha256};

/// A key that names one identity event: the hex SHA-256 of the request body.
///
/// GoTrue retries every answer but 200/202/204, three tries by default, with the same body; a
/// denied or failed signup therefore runs the handler up to three times. The key is the same on
/// every retry, so a side effect (an e-mail, a CRM record) keyed by it happens once.
///
/// ```
/// use identity_runtime::{identity_event, EventKey, User};
///
/// #[identity_event(signup)]
/// fn welcome(user: &User, key: &EventKey) {
///     // e.g. `INSERT … ON CONFLICT (event_key) DO NOTHING`
///     let _ = (user, key.as_str());
/// }
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EventKey(String);

impl EventKey {
    /// The key of a body.
    ///
    /// ```
    /// use identity_runtime::EventKey;
    /// assert_eq!(EventKey::of(b"{}").as_str().len(), 64);
    /// assert_eq!(EventKey::of(b"{}"), EventKey::of(b"{}"));
    /// ```
    pub fn of(body: &[u8]) -> EventKey {
        EventKey(format!("{:x}", Sha256::digest(body)))
    }

    /// The key as 64 lower-case hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EventKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for EventKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EventKey({})", self.0)
    }
}
