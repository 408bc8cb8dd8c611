//! Setup that runs once per cold start: `#[identity_event(…, setup = path)]`.

use std::any::Any;
use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;

/// What a setup function built, type-erased until a [`State`](crate::State) parameter asks.
pub(crate) type AnyState = Box<dyn Any + Send + Sync>;

/// The future of a setup function, boxed by generated code.
#[doc(hidden)]
pub type SetupFuture = Pin<Box<dyn Future<Output = Result<AnyState, String>>>>;

/// Marks a synchronous setup function: `fn() -> Result<T, E>`.
#[doc(hidden)]
pub struct SyncSetup;

/// Marks an asynchronous setup function: `async fn() -> Result<T, E>`.
#[doc(hidden)]
pub struct AsyncSetup;

/// The result of a setup function: `Result<T, E>` or a future of one, with `E: Display`.
///
/// The marker `M` lets both forms be accepted without overlapping implementations.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the result of a setup function",
    label = "the setup function must return `Result<T, E>`",
    note = "a setup function is `fn() -> Result<T, E>` or `async fn() -> Result<T, E>` where `E: Display` and `T: Send + Sync + 'static`; handlers reach `T` through a `State<'_, T>` parameter"
)]
pub trait SetupOutput<M> {
    /// What the setup builds.
    type State: Any + Send + Sync;

    /// Runs the setup to completion.
    #[doc(hidden)]
    fn into_state(self) -> Pin<Box<dyn Future<Output = Result<Self::State, String>>>>;
}

impl<T: Send + Sync + 'static, E: Display> SetupOutput<SyncSetup> for Result<T, E> {
    type State = T;

    fn into_state(self) -> Pin<Box<dyn Future<Output = Result<T, String>>>> {
        let result = self.map_err(|err| err.to_string());
        Box::pin(std::future::ready(result))
    }
}

impl<F, T, E> SetupOutput<AsyncSetup> for F
where
    F: Future<Output = Result<T, E>> + 'static,
    T: Send + Sync + 'static,
    E: Display,
{
    type State = T;

    fn into_state(self) -> Pin<Box<dyn Future<Output = Result<T, String>>>> {
        Box::pin(async move { self.await.map_err(|err| err.to_string()) })
    }
}

/// A function that can be `setup = path`: it takes no arguments.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a setup function",
    label = "a setup function takes no arguments",
    note = "write `fn setup() -> Result<T, E>` or `async fn setup() -> Result<T, E>`, and read what it needs (environment, files) inside it"
)]
pub trait SetupFn<R> {
    /// Calls the setup function.
    #[doc(hidden)]
    fn call(self) -> R;
}

impl<F: FnOnce() -> R, R> SetupFn<R> for F {
    fn call(self) -> R {
        self()
    }
}

/// Runs a setup function and boxes its result for the runtime.
#[doc(hidden)]
pub fn setup<M, R: SetupOutput<M>, F: SetupFn<R>>(function: F) -> SetupFuture {
    let state = function.call().into_state();
    Box::pin(async move { state.await.map(|state| Box::new(state) as AnyState) })
}

/// [`setup`], for a handler with a `State<'_, T>` parameter: also checks at compile time that
/// the setup builds a `T`. One call, so that one mistake is one error.
#[doc(hidden)]
pub fn setup_for_state<T, M, R, F>(function: F) -> SetupFuture
where
    R: SetupOutput<M, State = T>,
    F: SetupFn<R>,
{
    setup(function)
}
