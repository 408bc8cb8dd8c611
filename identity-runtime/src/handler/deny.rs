//! Denials: answers that block the signup or login.

use std::fmt;

/// The status of a denial: always 4xx or 5xx, because GoTrue counts 200, 202 and 204 as success
/// and blocks on anything else.
///
/// ```
/// use identity_runtime::DenyStatus;
///
/// assert_eq!(DenyStatus::FORBIDDEN.as_u16(), 403);
/// assert!(DenyStatus::new(451).is_some());
/// assert!(DenyStatus::new(204).is_none()); // a success cannot deny
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DenyStatus(u16);

impl DenyStatus {
    /// 400: the request was malformed.
    pub const BAD_REQUEST: DenyStatus = DenyStatus(400);
    /// 401: the request was not authenticated (a bad signature).
    pub const UNAUTHORIZED: DenyStatus = DenyStatus(401);
    /// 403: the user is not allowed; the default of [`Deny::new`].
    pub const FORBIDDEN: DenyStatus = DenyStatus(403);
    /// 422: the user's data is unacceptable.
    pub const UNPROCESSABLE_ENTITY: DenyStatus = DenyStatus(422);
    /// 500: the function failed.
    pub const INTERNAL_SERVER_ERROR: DenyStatus = DenyStatus(500);

    /// A denial status, if `status` is in 400..=599.
    pub const fn new(status: u16) -> Option<DenyStatus> {
        if status >= 400 && status <= 599 {
            Some(DenyStatus(status))
        } else {
            None
        }
    }

    /// The numeric status.
    pub const fn as_u16(self) -> u16 {
        self.0
    }
}

/// A denial: the handler blocks the signup or login.
///
/// The reason is logged and sent in the JSON error body; the user never sees it, since GoTrue
/// answers the user with its own 422. GoTrue retries a denial (three tries by default), so the
/// handler may run again for the same event and must be safe to repeat.
///
/// ```
/// use identity_runtime::{Deny, DenyStatus};
///
/// let deny = Deny::new("disposable e-mail domain");
/// assert_eq!(deny.status(), DenyStatus::FORBIDDEN);
/// let deny = Deny::with_status(DenyStatus::UNPROCESSABLE_ENTITY, "no name given");
/// assert_eq!(deny.status().as_u16(), 422);
/// assert_eq!(deny.to_string(), "no name given");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deny {
    status: DenyStatus,
    reason: String,
}

impl Deny {
    /// Denies with 403 Forbidden.
    pub fn new(reason: impl Into<String>) -> Deny {
        Deny::with_status(DenyStatus::FORBIDDEN, reason)
    }

    /// Denies with the given status.
    pub fn with_status(status: DenyStatus, reason: impl Into<String>) -> Deny {
        Deny {
            status,
            reason: reason.into(),
        }
    }

    /// The status the denial answers with.
    pub fn status(&self) -> DenyStatus {
        self.status
    }

    /// Why the user was denied.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for Deny {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Deny {}
