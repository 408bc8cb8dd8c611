//! The `#[identity_event]` attribute. Depend on `identity-runtime`, which re-exports it; the
//! code this crate generates calls `identity-runtime`'s non-public API.

// Nothing that comes from outside the process may be unwrapped.
#![warn(clippy::unwrap_used, clippy::expect_used)]

use proc_macro::TokenStream;

mod args;
mod entry;
mod errors;
mod event;
mod expand;
mod fallback;
mod handler;
mod naming;
mod similar;
#[cfg(test)]
mod snapshot_tests;
mod validate;

/// Turns a function into a Netlify Identity event function; documented in `identity-runtime`.
#[proc_macro_attribute]
pub fn identity_event(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::identity_event(args.into(), item.into()).into()
}
