//! What happens when a handler fails: its deadline, and whether a fault allows or denies.

use std::time::Duration;

/// The default deadline of a synchronous function: safely under Identity's 5-second timeout,
/// with room for the platform's own latency.
pub const DEFAULT_DEADLINE: Duration = Duration::from_millis(3_500);

/// The default deadline of a background function: under the platform's 15 minutes.
pub const DEFAULT_BACKGROUND_DEADLINE: Duration = Duration::from_secs(14 * 60);

/// A function's fault policy, set with `#[identity_event(…, deadline_ms = N, fail_open)]`.
///
/// A fault is a panic, a missed deadline, a setup that failed, or a misused change. Fail-closed
/// (the default) answers a fault with 500, which blocks the signup or login; fail-open answers
/// 204, letting the user through unchanged. Both log the fault. Bad input (400), a bad signature
/// (401) and a handler's own denial are never faults.
///
/// ```
/// use identity_runtime::{identity_event, User};
///
/// #[identity_event(login, deadline_ms = 1500, fail_open)]
/// async fn record(_user: &User) {}
///
/// assert_eq!(IDENTITY_FUNCTION.faults().deadline().as_millis(), 1500);
/// assert!(IDENTITY_FUNCTION.faults().is_fail_open());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Faults {
    deadline_ms: Option<u64>,
    fail_open: bool,
    background: bool,
}

impl Faults {
    /// Used by generated code only.
    #[doc(hidden)]
    pub const fn __new(deadline_ms: Option<u64>, fail_open: bool) -> Faults {
        Faults {
            deadline_ms,
            fail_open,
            background: false,
        }
    }

    pub(crate) const fn for_background(mut self, background: bool) -> Faults {
        self.background = background;
        self
    }

    /// How long the handler may take before the invocation is a fault.
    pub fn deadline(&self) -> Duration {
        match (self.deadline_ms, self.background) {
            (Some(ms), _) => Duration::from_millis(ms),
            (None, false) => DEFAULT_DEADLINE,
            (None, true) => DEFAULT_BACKGROUND_DEADLINE,
        }
    }

    /// Whether a fault lets the user through (204) instead of blocking them (500).
    pub fn is_fail_open(&self) -> bool {
        self.fail_open
    }
}
