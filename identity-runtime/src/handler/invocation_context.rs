//! What a handler may know of the invocation it answers: which request it is, and how long it
//! has.

use std::time::{Duration, Instant, SystemTime};

/// The invocation being answered: its request id, its deadline, and the function answering it.
/// Taken as a parameter, `&InvocationContext` or `InvocationContext`.
///
/// The deadline is the earlier of the platform's (the Runtime API's
/// `Lambda-Runtime-Deadline-Ms`) and the function's own (`deadline_ms`, counted from the
/// invocation's start): an `async` handler is cut off there, so a slow call made by the handler
/// should give up a little before it, in time to answer.
///
/// ```
/// use std::time::Duration;
/// use identity_runtime::{identity_event, EventKind, InvocationContext, User, testing};
///
/// #[identity_event(login, deadline_ms = 2000)]
/// async fn record(_user: &User, invocation: &InvocationContext) -> Result<(), String> {
///     // Leave 200 ms to answer.
///     let budget = invocation.remaining().saturating_sub(Duration::from_millis(200));
///     assert!(budget <= Duration::from_millis(1800));
///     assert_eq!(invocation.function_name(), "identity-login");
///     assert_eq!(invocation.request_id(), "local");
///     Ok(())
/// }
///
/// let event = testing::lambda_event(&testing::sample_payload(EventKind::Login));
/// assert_eq!(IDENTITY_FUNCTION.invoke_blocking(&event).status_code, 204);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvocationContext {
    request_id: String,
    deadline: Instant,
    /// From the start to the deadline, for the message of a handler cut off.
    budget: Duration,
    deadline_is_the_platforms: bool,
    function_name: &'static str,
    background: bool,
}

impl InvocationContext {
    /// The context of an invocation starting now: `own` is the function's deadline from now,
    /// `platform` the platform's wall-clock deadline, if it gave one.
    pub(crate) fn starting_now(
        request_id: &str,
        function_name: &'static str,
        background: bool,
        own: Duration,
        platform: Option<SystemTime>,
    ) -> InvocationContext {
        let now = Instant::now();
        let own_deadline = now + own;
        // The platform's deadline as an instant: what is left of it from now (nothing if it has
        // passed), so that the clock's later steps do not move it.
        let platform_deadline = platform.map(|at| {
            now + at
                .duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO)
        });
        let (deadline, deadline_is_the_platforms) = match platform_deadline {
            Some(platform) if platform < own_deadline => (platform, true),
            _ => (own_deadline, false),
        };
        InvocationContext {
            request_id: request_id.to_owned(),
            deadline,
            budget: deadline.saturating_duration_since(now),
            deadline_is_the_platforms,
            function_name,
            background,
        }
    }

    /// The Lambda request id of this invocation, as every log line written during it carries
    /// it; `local` for an invocation made in-process (local mode, tests).
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// When the invocation is cut off: the earlier of the platform's deadline and the
    /// function's own.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// How long is left before [`deadline`](Self::deadline); zero once it has passed.
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// How long the invocation had from its start to its deadline.
    pub(crate) fn budget(&self) -> Duration {
        self.budget
    }

    /// Whether the deadline is the platform's (it came before the function's own).
    pub fn deadline_is_the_platforms(&self) -> bool {
        self.deadline_is_the_platforms
    }

    /// The Netlify function's name, `identity-signup` or `identity-signup-background`.
    pub fn function_name(&self) -> &'static str {
        self.function_name
    }

    /// Whether the function runs in the background: the platform has answered 202 already.
    pub fn is_background(&self) -> bool {
        self.background
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_earlier_deadline_wins() {
        let own = Duration::from_secs(3);
        let sooner = SystemTime::now() + Duration::from_secs(1);
        let context =
            InvocationContext::starting_now("r", "identity-login", false, own, Some(sooner));
        assert!(context.deadline_is_the_platforms());
        assert!(context.remaining() <= Duration::from_secs(1));
        assert!(context.remaining() > Duration::from_millis(500));

        let later = SystemTime::now() + Duration::from_secs(60);
        let context =
            InvocationContext::starting_now("r", "identity-login", false, own, Some(later));
        assert!(!context.deadline_is_the_platforms());
        assert!(context.remaining() <= own);
        assert!(context.remaining() > Duration::from_secs(2));

        let context = InvocationContext::starting_now("r", "identity-login", false, own, None);
        assert!(!context.deadline_is_the_platforms());
    }

    #[test]
    fn a_platform_deadline_already_past_leaves_nothing() {
        let past = SystemTime::now() - Duration::from_secs(5);
        let context = InvocationContext::starting_now(
            "r",
            "identity-login",
            false,
            Duration::from_secs(3),
            Some(past),
        );
        assert!(context.deadline_is_the_platforms());
        assert_eq!(context.remaining(), Duration::ZERO);
    }
}
