//! Netlify Identity event functions as plain Rust functions.
//!
//! Put `#[identity_event(signup)]` on a function and the binary becomes Netlify's
//! `identity-signup` function: the macro writes `main`, parses the event, hands the function
//! the parameters it asks for, and turns its return value into the answer Identity expects.
//!
//! ```no_run
//! use identity_runtime::{identity_event, MetadataChange, User};
//!
//! /// Gives every new user a role from their e-mail domain, keeping all existing metadata.
//! #[identity_event(signup)]
//! fn assign_roles(user: &User) -> MetadataChange {
//!     match user.email_domain() {
//!         Some("example.com") => user.change().add_role("staff"),
//!         _ => user.change().add_role("member"),
//!     }
//! }
//! ```
//!
//! Handlers may be `async`; they take any of the parameters listed at [`FromInvocation`] and
//! return any type listed at [`IntoOutcome`]. A background function
//! (`#[identity_event(signup, background)]`) returns `()` or `Result<(), E>`
//! ([`IntoBackgroundOutcome`]). Setup that runs once per cold start is named with
//! `setup = path` and reached through a [`State`] parameter.
//!
//! The site's own metadata is read as its own serde types with [`AppData<T>`] and
//! [`UserData<T>`] parameters and written back with [`MetadataChange::write_app`] and
//! [`MetadataChange::write_user`], which change only the keys the type names. A handler that
//! takes [`InvocationContext`] sees its request id and the time it has left.
//!
//! The attribute's options: `background`, `setup = path`, `deadline_ms = N` and `fail_open`
//! ([`Faults`]), `allow_name_mismatch` (the naming check). With `IDENTITY_WEBHOOK_SECRET` set,
//! every invocation must carry a valid GoTrue signature ([`Verification`]). GoTrue retries
//! failed answers; [`EventKey`] keys side effects so they happen once. The generated
//! `IDENTITY_FUNCTION` ([`IdentityFunction`]) runs the whole path in-process for tests, with
//! the helpers of [`testing`].
//!
//! Logs go through [`tracing`], re-exported here: the binary installs a subscriber unless the
//! function's setup installs its own, and every line written during an invocation, the
//! framework's and the handler's (and the `log` crate's), carries the invocation's request id.
//! Human-readable lines by default, one JSON object per line with `AWS_LAMBDA_LOG_FORMAT=JSON`;
//! the level from `RUST_LOG`, else `AWS_LAMBDA_LOG_LEVEL`, else info.
//!
//! What the framework does about how the platform behaves is in the README; how the platform
//! behaves, with its sources, is in the repository's `docs/protocol.md`.

// Nothing that comes from outside the process may be unwrapped.
#![warn(clippy::unwrap_used, clippy::expect_used)]

mod handler;
mod model;
mod runner;
pub mod testing;
mod wire;

/// The `tracing` crate the framework logs through, so that a function needs no other dependency
/// to log.
///
/// ```
/// use identity_runtime::{identity_event, tracing, User};
///
/// #[identity_event(login)]
/// fn count(user: &User) {
///     tracing::info!(domain = user.email_domain(), "login");
/// }
/// ```
pub use tracing;

/// Turns a function into a Netlify Identity event function. See the crate documentation and
/// the README for the arguments, parameters and return types.
///
/// A background function cannot change metadata or deny, and that does not compile:
///
/// ```compile_fail
/// use identity_runtime::{identity_event, MetadataChange, User};
///
/// #[identity_event(signup, background)]
/// fn assign(user: &User) -> MetadataChange {
///     user.change().add_role("member")
/// }
/// ```
pub use identity_macros::identity_event;

pub use handler::deny::{Deny, DenyStatus};
pub use handler::event_key::EventKey;
pub use handler::faults::{DEFAULT_BACKGROUND_DEADLINE, DEFAULT_DEADLINE, Faults};
pub use handler::function::IdentityFunction;
pub use handler::invocation::{FromInvocation, State};
pub use handler::invocation_context::InvocationContext;
pub use handler::metadata::{AppData, UserData};
pub use handler::outcome::{IntoBackgroundOutcome, IntoOutcome, IntoUserDeletedOutcome};
pub use handler::setup::{SetupFn, SetupOutput};
pub use model::app_metadata::AppMetadata;
pub use model::change::MetadataChange;
pub use model::event::{EventKind, IdentityEvent, UnknownEvent};
pub use model::other_keys::OtherKeys;
pub use model::typed::MetadataError;
pub use model::user::User;
pub use model::user_metadata::UserMetadata;
pub use wire::context::{AdminToken, Claims, ClientContext, IdentityEndpoint};
pub use wire::error::InvocationError;
pub use wire::request::{MAX_BODY_BYTES, Request};
pub use wire::response::Response;
pub use wire::signature::{
    ConfigError, LEEWAY_ENV, MAX_AGE_ENV, SECRET_ENV, SIGNATURE_HEADER, SignatureError,
    Verification,
};

/// What generated code uses. Not public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::handler::faults::Faults;
    pub use crate::handler::function::{Handler, HandlerFuture, IdentityFunction};
    pub use crate::handler::invocation::{FromInvocation, Invocation, Rejection};
    pub use crate::handler::log::Report;
    pub use crate::handler::outcome::{
        IntoBackgroundOutcome, IntoOutcome, IntoUserDeletedOutcome, Outcome,
    };
    pub use crate::handler::setup::{SetupFuture, setup, setup_for_state};
    pub use crate::model::event::EventKind;
    pub use std::boxed::Box;
    pub use std::option::Option;
    pub use std::process::ExitCode;
    pub use std::result::Result;

    /// The binary's entry point, called by the generated `main`.
    pub fn run(function: &'static IdentityFunction) -> ExitCode {
        crate::runner::run(function)
    }

    /// Installs the log the runner installs (read from the environment), unless a subscriber is
    /// installed already: for the benchmarks, which write the lines a deployed function writes.
    pub fn install_log() {
        crate::runner::install_log();
    }

    /// Converts a handler's return value; spanned on the return type by the macro so that an
    /// unsupported type is reported there.
    pub fn into_outcome<T: IntoOutcome>(value: T) -> Outcome {
        value.into_outcome()
    }

    /// Converts a background handler's return value.
    pub fn into_background_outcome<T: IntoBackgroundOutcome>(value: T) -> Outcome {
        value.into_background_outcome()
    }

    /// Converts a `userdeleted` handler's return value.
    pub fn into_user_deleted_outcome<T: IntoUserDeletedOutcome>(value: T) -> Outcome {
        value.into_user_deleted_outcome()
    }
}
