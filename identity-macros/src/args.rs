//! Parsing the attribute's arguments:
//! `event[, background][, setup = path][, deadline_ms = N][, fail_open][, allow_name_mismatch]`.

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, Lit, Path, Token};

use crate::errors::Errors;
use crate::event::{Event, listed};
use crate::similar::closest;

/// Every option, as its name and as it is written: the list messages and suggestions are made
/// from (each is parsed in [`parse`]).
const OPTIONS: [(&str, &str); 5] = [
    ("background", "background"),
    ("setup", "setup = path"),
    ("deadline_ms", "deadline_ms = N"),
    ("fail_open", "fail_open"),
    ("allow_name_mismatch", "allow_name_mismatch"),
];

/// The options' names, for suggestions.
fn option_names() -> [&'static str; 5] {
    OPTIONS.map(|(name, _)| name)
}

/// The options as a message lists them: "`background`, `setup = path`, …".
fn options_listed() -> String {
    listed(OPTIONS.iter().map(|(_, written)| written))
}

/// Identity gives up on a function after 5 seconds (and retries): a synchronous deadline must
/// answer before that.
const IDENTITY_TIMEOUT_MS: u64 = 5_000;
/// A background function runs for up to 15 minutes.
const BACKGROUND_LIMIT_MS: u64 = 15 * 60 * 1_000;

/// The arguments, parsed and checked.
pub(crate) struct Args {
    pub(crate) event: Event,
    /// The event's token: errors about the function's name point here.
    pub(crate) event_span: Span,
    pub(crate) background: bool,
    pub(crate) setup: Option<Path>,
    /// The handler's deadline, when set.
    pub(crate) deadline_ms: Option<u64>,
    /// Whether a fault (panic, missed deadline) allows instead of denying.
    pub(crate) fail_open: bool,
    pub(crate) allow_name_mismatch: bool,
}

/// One comma-separated argument, as written.
enum Arg {
    Word(Ident),
    Value(Ident, Expr),
    Literal(Lit),
    Hyphenated(Span, String),
}

impl Parse for Arg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Arg> {
        if input.peek(Lit) {
            return input.parse().map(Arg::Literal);
        }
        let ident = input.call(syn::ext::IdentExt::parse_any).map_err(|err| {
            syn::Error::new(
                err.span(),
                format!(
                    "expected an identity event ({}) or an option ({})",
                    Event::listed(),
                    options_listed()
                ),
            )
        })?;
        if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            return input.parse().map(|value| Arg::Value(ident, value));
        }
        if input.peek(Token![-]) {
            let mut written = ident.to_string();
            let mut span = ident.span();
            while input.peek(Token![-]) {
                let dash: Token![-] = input.parse()?;
                let next: Ident = input.call(syn::ext::IdentExt::parse_any)?;
                written.push('-');
                written.push_str(&next.to_string());
                span = span
                    .join(dash.span)
                    .and_then(|s| s.join(next.span()))
                    .unwrap_or(span);
            }
            return Ok(Arg::Hyphenated(span, written));
        }
        Ok(Arg::Word(ident))
    }
}

pub(crate) fn parse(tokens: TokenStream) -> syn::Result<Args> {
    let parsed = Punctuated::<Arg, Token![,]>::parse_terminated
        .parse2(tokens)
        .map_err(|err| {
            if err.to_string() == "expected `,`" {
                syn::Error::new(
                    err.span(),
                    "expected `,` between arguments, as in `#[identity_event(signup, background)]`",
                )
            } else {
                err
            }
        })?;
    let mut errors = Errors::default();
    let mut event: Option<(Event, Span)> = None;
    let mut background: Option<Span> = None;
    let mut setup: Option<(Path, Span)> = None;
    let mut allow_name_mismatch: Option<Span> = None;
    let mut fail_open: Option<Span> = None;
    let mut deadline: Option<(u64, syn::LitInt)> = None;
    let mut saw_event_word = false;

    for arg in parsed {
        match arg {
            Arg::Word(ident) => {
                let word = ident.to_string();
                match word.as_str() {
                    "background" => set_flag(&mut errors, &mut background, &ident),
                    "allow_name_mismatch" => {
                        set_flag(&mut errors, &mut allow_name_mismatch, &ident)
                    }
                    "fail_open" => set_flag(&mut errors, &mut fail_open, &ident),
                    "deadline_ms" => errors.spanned(
                        &ident,
                        "`deadline_ms` needs a number of milliseconds: write `deadline_ms = 3000`",
                    ),
                    "setup" => errors.spanned(
                        &ident,
                        "`setup` needs the path of a function: write `setup = my_setup`",
                    ),
                    _ => {
                        saw_event_word = true;
                        match Event::from_name(&word) {
                            Some(found) => match &event {
                                Some((first, _)) => errors.spanned(
                                    &ident,
                                    format!(
                                        "an identity function handles one event, and `{}` was already named; put each event's function in its own binary (`identity-{}` and `identity-{word}`)",
                                        first.name(),
                                        first.name(),
                                    ),
                                ),
                                None => event = Some((found, ident.span())),
                            },
                            None => errors.spanned(&ident, unknown_word(&word)),
                        }
                    }
                }
            }
            Arg::Value(ident, value) => match ident.to_string().as_str() {
                "setup" => match value {
                    Expr::Path(path) if path.qself.is_none() => {
                        if setup.is_some() {
                            errors.spanned(&ident, "`setup` is set more than once; keep one");
                        } else {
                            setup = Some((path.path, ident.span()));
                        }
                    }
                    Expr::Call(call) => errors.spanned(
                        &call,
                        format!(
                            "`setup` takes the path of a function, not a call: write `setup = {}`",
                            quote::ToTokens::to_token_stream(&call.func)
                        ),
                    ),
                    other => errors.spanned(
                        &other,
                        "`setup` takes the path of a function: write `setup = my_setup`",
                    ),
                },
                "deadline_ms" => match value {
                    Expr::Lit(syn::ExprLit {
                        lit: Lit::Int(int), ..
                    }) => match int.base10_parse::<u64>() {
                        Ok(_) if deadline.is_some() => {
                            errors.spanned(&ident, "`deadline_ms` is set more than once; keep one");
                        }
                        Ok(0) => errors.spanned(&int, "`deadline_ms` must be more than 0"),
                        Ok(ms) => deadline = Some((ms, int)),
                        Err(_) => errors
                            .spanned(&int, "`deadline_ms` must be a whole number of milliseconds"),
                    },
                    other => errors.spanned(
                        &other,
                        "`deadline_ms` takes a number of milliseconds, as in `deadline_ms = 3000`",
                    ),
                },
                "background" | "allow_name_mismatch" | "fail_open" => errors.spanned(
                    &value,
                    format!("`{ident}` takes no value: write `{ident}` alone"),
                ),
                word if Event::from_name(word).is_some() => errors.spanned(
                    &ident,
                    format!("the event is a bare word and takes no value: write `{word}`"),
                ),
                word => errors.spanned(&ident, unknown_option(word)),
            },
            Arg::Literal(lit) => {
                saw_event_word = true;
                let help = match &lit {
                    Lit::Str(text) => match Event::from_name(&text.value()) {
                        Some(event) => format!(
                            "the event is a bare word, not a string: write `{}` without quotes",
                            event.name()
                        ),
                        None => unknown_word(&text.value()),
                    },
                    _ => format!("expected an identity event: one of {}", Event::listed()),
                };
                errors.spanned(&lit, help);
            }
            Arg::Hyphenated(span, written) => {
                saw_event_word = true;
                let message = match closest(&written, &Event::NAMES) {
                    Some(event) => format!(
                        "`{written}` is not an identity event; event names have no hyphen: did you mean `{event}`?"
                    ),
                    None => unknown_word(&written),
                };
                errors.at(span, message);
            }
        }
    }

    if event.is_none() && !saw_event_word {
        errors.at(
            Span::call_site(),
            format!(
                "missing the identity event: write `#[identity_event(signup)]`, with one of {}",
                Event::listed()
            ),
        );
    }
    if let Some((ms, int)) = &deadline {
        let (limit, why) = if background.is_some() {
            (
                BACKGROUND_LIMIT_MS,
                "a background function runs for at most 15 minutes",
            )
        } else {
            (
                IDENTITY_TIMEOUT_MS - 1,
                "Identity gives up after 5 seconds and retries, so a later answer is never read",
            )
        };
        if *ms > limit {
            errors.spanned(
                int,
                format!("`deadline_ms = {ms}` is too long: {why}; use at most {limit}"),
            );
        }
    }
    errors.into_result()?;
    let Some((event, event_span)) = event else {
        // An event word was written but rejected above, so there is an error already.
        return Err(syn::Error::new(
            Span::call_site(),
            "missing the identity event",
        ));
    };
    Ok(Args {
        event,
        event_span,
        background: background.is_some(),
        setup: setup.map(|(path, _)| path),
        deadline_ms: deadline.map(|(ms, _)| ms),
        fail_open: fail_open.is_some(),
        allow_name_mismatch: allow_name_mismatch.is_some(),
    })
}

fn set_flag(errors: &mut Errors, flag: &mut Option<Span>, ident: &Ident) {
    if flag.is_some() {
        errors.spanned(ident, format!("`{ident}` is set more than once; keep one"));
    } else {
        *flag = Some(ident.span());
    }
}

fn unknown_word(word: &str) -> String {
    let mut message = format!(
        "`{word}` is not an identity event; expected one of: {}",
        Event::listed()
    );
    if let Some(event) = closest(word, &Event::NAMES) {
        message.push_str(&format!("\n\nhelp: did you mean `{event}`?"));
    } else if let Some(option) = closest(word, &option_names()) {
        message.push_str(&format!("\n\nhelp: did you mean the option `{option}`?"));
    }
    message
}

fn unknown_option(word: &str) -> String {
    let mut message = format!(
        "unknown option `{word}`; expected one of: {}",
        options_listed()
    );
    if let Some(option) = closest(word, &option_names()) {
        message.push_str(&format!("\n\nhelp: did you mean `{option}`?"));
    } else if word.contains("timeout") || word.contains("deadline") {
        message
            .push_str("\n\nhelp: the handler's time limit is `deadline_ms = N`, in milliseconds");
    }
    message
}
