//! What a handler's return value becomes: allow, allow with a change, or deny.

use std::any::Any;
use std::error::Error;
use std::fmt::Display;

use crate::handler::deny::{Deny, DenyStatus};
use crate::model::change::MetadataChange;
use crate::wire::error::InvocationError;

/// The decision of one invocation, before it becomes a [`Response`](crate::Response).
#[doc(hidden)]
#[derive(Debug)]
pub enum Outcome {
    /// Allow with no change: 204.
    Allow,
    /// Allow with a change: 200 and the edited objects, or 204 if nothing was edited.
    Change(MetadataChange),
    /// Block: the denial's status and a JSON error body.
    Deny(Deny),
    /// The input was malformed (a parameter could not be extracted): 400.
    Invalid(InvocationError),
    /// The function failed (a panic, a misused change): 500.
    Fault(String),
}

/// A handler's return value: what the answer to GoTrue is.
///
/// | return | answer |
/// |---|---|
/// | `()` | 204, allow with no change |
/// | [`MetadataChange`] | 200 with the edited objects, complete (204 if nothing was edited) |
/// | [`Deny`] | its status (403 by default) and `{"error": "denied", "message": …}` |
/// | `Result<T, E>` | `Ok` as `T`; `Err(Deny)` (also boxed as `Box<dyn Error>`) as that denial; any other `Err` denies with 500 |
///
/// ```
/// use identity_runtime::{Deny, IntoOutcome, testing::sample_user};
///
/// fn check(ok: bool) -> Result<(), Deny> {
///     if ok { Ok(()) } else { Err(Deny::new("no")) }
/// }
/// # let _ = (check(true).into_outcome(), sample_user());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the answer of an identity function",
    label = "this return type cannot become an answer to Netlify Identity",
    note = "return one of: `()` (allow, 204), `MetadataChange` from `user.change()` (allow with a change, 200), `Deny` (block), or `Result<T, E>` of these where `E: Display`"
)]
pub trait IntoOutcome {
    /// Converts the return value into the decision.
    #[doc(hidden)]
    fn into_outcome(self) -> Outcome;
}

impl IntoOutcome for () {
    fn into_outcome(self) -> Outcome {
        Outcome::Allow
    }
}

impl IntoOutcome for MetadataChange {
    fn into_outcome(self) -> Outcome {
        Outcome::Change(self)
    }
}

impl IntoOutcome for Deny {
    fn into_outcome(self) -> Outcome {
        Outcome::Deny(self)
    }
}

impl<T: IntoOutcome, E: Display + 'static> IntoOutcome for Result<T, E> {
    fn into_outcome(self) -> Outcome {
        match self {
            Ok(value) => value.into_outcome(),
            Err(err) => Outcome::Deny(error_to_deny(err)),
        }
    }
}

/// The return value of a background handler: `()` or `Result<(), E>`.
///
/// The platform answers 202 before a background function runs, so its result can neither
/// change metadata nor block the user; an `Err` is logged.
#[diagnostic::on_unimplemented(
    message = "a background identity function cannot answer with `{Self}`",
    label = "a background function can neither change metadata nor deny",
    note = "Netlify answers 202 before a background function runs, so its result is never seen by Identity; return `()` or `Result<(), E>` (an `Err` is logged), or drop `background` to answer synchronously"
)]
pub trait IntoBackgroundOutcome {
    /// Converts the return value into the decision.
    #[doc(hidden)]
    fn into_background_outcome(self) -> Outcome;
}

impl IntoBackgroundOutcome for () {
    fn into_background_outcome(self) -> Outcome {
        Outcome::Allow
    }
}

impl<E: Display + 'static> IntoBackgroundOutcome for Result<(), E> {
    fn into_background_outcome(self) -> Outcome {
        match self {
            Ok(()) => Outcome::Allow,
            Err(err) => Outcome::Deny(error_to_deny(err)),
        }
    }
}

/// The return value of a `userdeleted` handler: `()`, [`Deny`], or `Result<T, E>` of these.
///
/// GoTrue fires `userdeleted` after it deleted the user and ignores the answer's body, so a
/// metadata change has no user to change.
///
/// ```
/// use identity_runtime::{Deny, IntoUserDeletedOutcome};
///
/// fn forget(known: bool) -> Result<(), Deny> {
///     if known { Ok(()) } else { Err(Deny::new("unknown user")) }
/// }
/// # let _ = forget(true).into_user_deleted_outcome();
/// ```
#[diagnostic::on_unimplemented(
    message = "a `userdeleted` identity function cannot answer with `{Self}`",
    label = "the user is deleted: there is no metadata left to change",
    note = "GoTrue fires `userdeleted` after deleting the user and ignores the answer's body; return `()`, `Deny` or `Result<(), E>`"
)]
pub trait IntoUserDeletedOutcome {
    /// Converts the return value into the decision.
    #[doc(hidden)]
    fn into_user_deleted_outcome(self) -> Outcome;
}

impl IntoUserDeletedOutcome for () {
    fn into_user_deleted_outcome(self) -> Outcome {
        Outcome::Allow
    }
}

impl IntoUserDeletedOutcome for Deny {
    fn into_user_deleted_outcome(self) -> Outcome {
        Outcome::Deny(self)
    }
}

impl<T: IntoUserDeletedOutcome, E: Display + 'static> IntoUserDeletedOutcome for Result<T, E> {
    fn into_user_deleted_outcome(self) -> Outcome {
        match self {
            Ok(value) => value.into_user_deleted_outcome(),
            Err(err) => Outcome::Deny(error_to_deny(err)),
        }
    }
}

/// `Err(Deny)`, boxed or not, keeps its status; any other error denies with 500 and its message.
fn error_to_deny<E: Display + 'static>(err: E) -> Deny {
    let any: &dyn Any = &err;
    let deny = any
        .downcast_ref::<Deny>()
        .or_else(|| any.downcast_ref::<Box<dyn Error>>()?.downcast_ref())
        .or_else(|| {
            any.downcast_ref::<Box<dyn Error + Send + Sync>>()?
                .downcast_ref()
        });
    if let Some(deny) = deny {
        return deny.clone();
    }
    let message = err.to_string();
    let message = if message.trim().is_empty() {
        format!(
            "the handler returned an error with an empty message (type `{}`)",
            std::any::type_name::<E>()
        )
    } else {
        message
    };
    Deny::with_status(DenyStatus::INTERNAL_SERVER_ERROR, message)
}
