//! One invocation, and the handler parameters taken from it.

use std::any::Any;
use std::cell::OnceCell;
use std::ops::Deref;

use crate::handler::event_key::EventKey;
use crate::handler::outcome::Outcome;
use crate::model::event::IdentityEvent;
use crate::model::user::User;
use crate::wire::context::{ClientContext, LambdaContext};
use crate::wire::envelope::Envelope;
use crate::wire::error::InvocationError;
use crate::wire::request::Request;

/// One invocation: the event as sent, what was read of it, and the payload. Handler parameters
/// are taken from it; what no parameter asks for is never built.
#[doc(hidden)]
pub struct Invocation<'e> {
    /// The Lambda event as sent, for a handler that takes `&Request`.
    pub(crate) raw: &'e [u8],
    pub(crate) envelope: Envelope<'e>,
    pub(crate) request: OnceCell<Result<Request, InvocationError>>,
    pub(crate) event: Box<IdentityEvent>,
    pub(crate) lambda_context: LambdaContext<'e>,
    pub(crate) client_context: OnceCell<Result<Option<ClientContext>, InvocationError>>,
    pub(crate) state: Option<&'static (dyn Any + Send + Sync)>,
    pub(crate) event_key: OnceCell<EventKey>,
}

impl Invocation<'_> {
    /// The client context, decoded on first use only: handlers that do not ask for it do not
    /// pay for it, and cannot be failed by it.
    fn client_context(&self) -> Result<Option<&ClientContext>, InvocationError> {
        self.client_context
            .get_or_init(|| {
                ClientContext::locate(self.lambda_context, self.envelope.request_context)
            })
            .as_ref()
            .map(Option::as_ref)
            .map_err(Clone::clone)
    }

    /// The whole request, built on first use only. The event was read once already, so this
    /// cannot fail for any event that reached a handler; if it did, the invocation is refused.
    fn request(&self) -> Result<&Request, InvocationError> {
        self.request
            .get_or_init(|| Request::from_slice(self.raw))
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// Why a parameter could not be taken: the input was malformed (400), or the function is
/// broken (500).
#[doc(hidden)]
#[derive(Debug)]
pub enum Rejection {
    /// The input was malformed.
    Invalid(InvocationError),
    /// The function failed.
    Fault(String),
}

impl From<Rejection> for Outcome {
    fn from(rejection: Rejection) -> Outcome {
        match rejection {
            Rejection::Invalid(err) => Outcome::Invalid(err),
            Rejection::Fault(reason) => Outcome::Fault(reason),
        }
    }
}

impl<'a> FromInvocation<'a> for &'a EventKey {
    fn from_invocation(invocation: &'a Invocation<'_>) -> Result<Self, Rejection> {
        // Hashed on first use only; the body decoded again, since it was read successfully.
        Ok(invocation.event_key.get_or_init(|| {
            let body = invocation.envelope.body_bytes().unwrap_or_default();
            EventKey::of(&body)
        }))
    }
}

impl<'a> FromInvocation<'a> for EventKey {
    fn from_invocation(invocation: &'a Invocation<'_>) -> Result<Self, Rejection> {
        <&EventKey>::from_invocation(invocation).cloned()
    }
}

/// A type a handler can take as a parameter.
///
/// | parameter | what it is |
/// |---|---|
/// | `&User`, `User` | the user of the event |
/// | `&IdentityEvent`, `IdentityEvent` | the whole payload: event, instance id, user |
/// | `Option<&ClientContext>`, `Option<ClientContext>` | the decoded client context, if sent |
/// | `&Request` | the raw request: headers, path, body |
/// | `&EventKey`, `EventKey` | a key of the event, the same on every retry |
/// | `State<'_, T>` | what the `setup` function built once per cold start |
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a parameter of an identity function",
    label = "unsupported parameter type",
    note = "accepted parameters: `&User`, `User`, `&IdentityEvent`, `IdentityEvent`, `Option<&ClientContext>`, `Option<ClientContext>`, `&Request`, `&EventKey`, `EventKey`, and `State<'_, T>` together with `#[identity_event(…, setup = path)]`"
)]
pub trait FromInvocation<'a>: Sized {
    /// Takes the parameter from the invocation.
    #[doc(hidden)]
    fn from_invocation(invocation: &'a Invocation<'_>) -> Result<Self, Rejection>;
}

impl<'a> FromInvocation<'a> for &'a User {
    fn from_invocation(invocation: &'a Invocation<'_>) -> Result<Self, Rejection> {
        Ok(&invocation.event.user)
    }
}

impl<'a> FromInvocation<'a> for User {
    fn from_invocation(invocation: &'a Invocation<'_>) -> Result<Self, Rejection> {
        Ok(invocation.event.user.clone())
    }
}

impl<'a> FromInvocation<'a> for &'a IdentityEvent {
    fn from_invocation(invocation: &'a Invocation<'_>) -> Result<Self, Rejection> {
        Ok(&invocation.event)
    }
}

impl<'a> FromInvocation<'a> for IdentityEvent {
    fn from_invocation(invocation: &'a Invocation<'_>) -> Result<Self, Rejection> {
        Ok((*invocation.event).clone())
    }
}

impl<'a> FromInvocation<'a> for Option<&'a ClientContext> {
    fn from_invocation(invocation: &'a Invocation<'_>) -> Result<Self, Rejection> {
        invocation.client_context().map_err(Rejection::Invalid)
    }
}

impl<'a> FromInvocation<'a> for Option<ClientContext> {
    fn from_invocation(invocation: &'a Invocation<'_>) -> Result<Self, Rejection> {
        invocation
            .client_context()
            .map(|context| context.cloned())
            .map_err(Rejection::Invalid)
    }
}

impl<'a> FromInvocation<'a> for &'a Request {
    fn from_invocation(invocation: &'a Invocation<'_>) -> Result<Self, Rejection> {
        invocation.request().map_err(Rejection::Invalid)
    }
}

/// What the function's `setup` built once per cold start, shared by every invocation.
///
/// ```
/// use identity_runtime::{identity_event, State, User};
///
/// struct Config { blocked: Vec<String> }
///
/// fn load() -> Result<Config, std::io::Error> {
///     Ok(Config { blocked: vec!["mailinator.com".into()] })
/// }
///
/// #[identity_event(validate, setup = load)]
/// fn validate(user: &User, config: State<'_, Config>) -> Result<(), identity_runtime::Deny> {
///     match user.email_domain() {
///         Some(domain) if config.blocked.iter().any(|b| b == domain) => {
///             Err(identity_runtime::Deny::new("blocked domain"))
///         }
///         _ => Ok(()),
///     }
/// }
/// ```
#[derive(Debug)]
pub struct State<'a, T>(&'a T);

impl<T> Deref for State<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.0
    }
}

impl<'a, T: Any + Send + Sync> FromInvocation<'a> for State<'a, T> {
    fn from_invocation(invocation: &'a Invocation<'_>) -> Result<Self, Rejection> {
        // The macro checks at compile time that `setup` builds a `T`; this cannot fail for
        // generated code.
        invocation
            .state
            .and_then(|state| state.downcast_ref::<T>())
            .map(State)
            .ok_or_else(|| {
                Rejection::Fault(format!(
                    "no state of type `{}`: the setup function built none",
                    std::any::type_name::<T>()
                ))
            })
    }
}
