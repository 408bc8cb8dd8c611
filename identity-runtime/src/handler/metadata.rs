//! The user's metadata as handler parameters of the site's own types.

use std::ops::{Deref, DerefMut};

use serde::de::DeserializeOwned;

use crate::handler::invocation::{FromInvocation, Invocation, Rejection};

/// The user's `app_metadata` read as the site's own type `T` (see
/// [`AppMetadata::read`](crate::AppMetadata::read)), taken as a parameter. Metadata that does
/// not fit `T` is a fault of the function, answered 500 (204 with `fail_open`) and logged with
/// its path: `user.app_metadata.plan: invalid type: integer `3`, expected a string`. Write it
/// back with [`MetadataChange::write_app`](crate::MetadataChange::write_app), which changes
/// only the keys `T` names.
///
/// ```
/// use identity_runtime::{identity_event, AppData, EventKind, MetadataChange, User, testing};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, Default)]
/// #[serde(rename_all = "lowercase")]
/// enum Plan { #[default] Free, Pro }
///
/// #[derive(Serialize, Deserialize)]
/// struct Billing { #[serde(default)] plan: Plan }
///
/// #[identity_event(signup)]
/// fn upgrade(user: &User, AppData(mut billing): AppData<Billing>) -> MetadataChange {
///     billing.plan = Plan::Pro;
///     user.change().write_app(&billing)
/// }
///
/// let event = testing::lambda_event(&testing::sample_payload(EventKind::Signup));
/// let response = IDENTITY_FUNCTION.invoke_blocking(&event);
/// assert_eq!(
///     response.body_json().unwrap()["app_metadata"],
///     serde_json::json!({"provider": "email", "plan": "pro"})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppData<T>(pub T);

/// The user's `user_metadata` read as the site's own type `T` (see
/// [`UserMetadata::read`](crate::UserMetadata::read)), taken as a parameter; a misfit is a
/// fault, as for [`AppData`]. Write it back with
/// [`MetadataChange::write_user`](crate::MetadataChange::write_user).
///
/// ```
/// use identity_runtime::{identity_event, EventKind, User, UserData, testing};
/// use serde::Deserialize;
///
/// #[derive(Deserialize)]
/// struct Profile { full_name: String }
///
/// #[identity_event(validate)]
/// fn require_a_name(_user: &User, profile: UserData<Profile>) -> Result<(), identity_runtime::Deny> {
///     if profile.full_name.trim().is_empty() {
///         return Err(identity_runtime::Deny::new("a name is required"));
///     }
///     Ok(())
/// }
///
/// let event = testing::lambda_event(&testing::sample_payload(EventKind::Validate));
/// assert_eq!(IDENTITY_FUNCTION.invoke_blocking(&event).status_code, 204);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserData<T>(pub T);

impl<T> AppData<T> {
    /// The typed value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> UserData<T> {
    /// The typed value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for AppData<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for AppData<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T> Deref for UserData<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for UserData<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<'a, T: DeserializeOwned> FromInvocation<'a> for AppData<T> {
    fn from_invocation(invocation: &'a Invocation<'_>) -> Result<Self, Rejection> {
        invocation
            .event
            .user
            .app_metadata
            .read()
            .map(AppData)
            .map_err(|misfit| Rejection::Fault(misfit.to_string()))
    }
}

impl<'a, T: DeserializeOwned> FromInvocation<'a> for UserData<T> {
    fn from_invocation(invocation: &'a Invocation<'_>) -> Result<Self, Rejection> {
        invocation
            .event
            .user
            .user_metadata
            .read()
            .map(UserData)
            .map_err(|misfit| Rejection::Fault(misfit.to_string()))
    }
}
