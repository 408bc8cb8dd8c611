//! A login function for the Lambda Runtime API test. It reports which client context reached
//! it; answers `context@…` users with what it knows of its invocation, `unchanged@…` users
//! with 204; panics for `panic@…` users and never answers `slow@…` users; its setup fails when
//! `PROBE_SETUP_FAILS` is set. It logs each call through `tracing` and through `log`, as
//! handlers do, and with `PROBE_LOGS_WHAT_REACHED_IT` set, its client context and request with
//! `{:?}`.

use identity_runtime::{
    ClientContext, InvocationContext, MetadataChange, Request, User, identity_event, tracing,
};

fn prepare() -> Result<(), std::io::Error> {
    match std::env::var_os("PROBE_SETUP_FAILS") {
        Some(_) => Err(std::io::Error::other(
            "the probe was asked to fail its setup",
        )),
        None => Ok(()),
    }
}

#[identity_event(login, setup = prepare)]
async fn probe(
    user: &User,
    context: Option<&ClientContext>,
    request: &Request,
    invocation: &InvocationContext,
) -> MetadataChange {
    tracing::info!(email = %user.email, "probe called");
    log::info!("probe called through log");
    if std::env::var_os("PROBE_LOGS_WHAT_REACHED_IT").is_some() {
        // What a handler might log while debugging: the secrets in them must not show.
        tracing::info!(?context, ?request, "what reached the probe");
        log::info!("what reached the probe, through log: {context:?} {request:?}");
    }
    if user.email.starts_with("slow@") {
        // Waits for ever: only a deadline ends the invocation.
        std::future::pending::<()>().await;
    }
    assert!(
        !user.email.starts_with("panic@"),
        "the probe was asked to panic"
    );
    let change = user.change();
    if user.email.starts_with("context@") {
        // What the handler knows of its invocation.
        return change
            .set_app("request_id", invocation.request_id())
            .set_app(
                "remaining_ms",
                u64::try_from(invocation.remaining().as_millis()).unwrap_or(u64::MAX),
            )
            .set_app(
                "deadline_is_the_platforms",
                invocation.deadline_is_the_platforms(),
            )
            .set_app("function_name", invocation.function_name())
            .set_app("background", invocation.is_background());
    }
    if user.email.starts_with("unchanged@") {
        // An unedited change: answered 204, no change.
        return change;
    }
    match context {
        None => change.set_app("context", "none"),
        Some(context) => {
            let url = context
                .identity
                .as_ref()
                .map(|identity| identity.url.clone());
            let sub = context.user.as_ref().map(|claims| claims.sub.clone());
            change
                .set_app("context_url", url)
                .set_app("context_sub", sub)
        }
    }
}
