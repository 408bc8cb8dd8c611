//! One invocation, and the handler parameters taken from it.

use std::any::Any;
use std::cell::OnceCell;
use std::ops::Deref;

use crate::handler::event_key::EventKey;
use crate::handler::invocation_context::InvocationContext;
use crate::handler::outcome::Outcome;
use crate::model::event::IdentityEvent;
use crate::model::user::User;
use crate::wire::context::{ClientContext, LambdaContext};
use crate::wire::error::InvocationError;
use crate::wire::request::Request;

/// One invocation: the request, and the payload read from it. Handler parameters are taken
/// from it; the client context and the event key are built only for a handler that asks.
#[doc(hidden)]
pub struct Invocation<'e> {
    pub(crate) request: Request,
    pub(crate) event: Box<IdentityEvent>,
    pub(crate) lambda_context: LambdaContext<'e>,
    pub(crate) client_context: OnceCell<Result<Option<ClientContext>, InvocationError>>,
    pub(crate) state: Option<&'static (dyn Any + Send + Sync)>,
    pub(crate) event_key: OnceCell<Result<EventKey, InvocationError>>,
    pub(crate) context: InvocationContext,
}

impl Invocation<'_> {
    /// The client context, decoded on first use only: handlers that do not ask for it do not
    /// pay for it, and cannot be failed by it.
    fn client_context(&self) -> Result<Option<&ClientContext>, InvocationError> {
        self.client_context
            .get_or_init(|| {
                ClientContext::locate(self.lambda_context, self.request.request_context())
            })
            .as_ref()
            .map(Option::as_ref)
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
        // Hashed on first use only. The body was decoded once already to be read, so this
        // cannot fail; were it to, the invocation is refused rather than keyed by nothing.
        invocation
            .event_key
            .get_or_init(|| {
                invocation
                    .request
                    .body_bytes()
                    .map(|body| EventKey::of(&body))
            })
            .as_ref()
            .map_err(|err| Rejection::Invalid(err.clone()))
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
/// | `&InvocationContext`, `InvocationContext` | the request id, the deadline and the time left |
/// | `AppData<T>`, `UserData<T>` | `app_metadata`, `user_metadata` read as the site's own type `T` |
/// | `State<'_, T>` | what the `setup` function built once per cold start |
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a parameter of an identity function",
    label = "unsupported parameter type",
    note = "accepted parameters: `&User`, `User`, `&IdentityEvent`, `IdentityEvent`, `Option<&ClientContext>`, `Option<ClientContext>`, `&Request`, `&EventKey`, `EventKey`, `&InvocationContext`, `InvocationContext`, `AppData<T>`, `UserData<T>` with `T: Deserialize`, and `State<'_, T>` together with `#[identity_event(…, setup = path)]`"
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
        Ok(&invocation.request)
    }
}

impl<'a> FromInvocation<'a> for &'a InvocationContext {
    fn from_invocation(invocation: &'a Invocation<'_>) -> Result<Self, Rejection> {
        Ok(&invocation.context)
    }
}

impl<'a> FromInvocation<'a> for InvocationContext {
    fn from_invocation(invocation: &'a Invocation<'_>) -> Result<Self, Rejection> {
        Ok(invocation.context.clone())
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
