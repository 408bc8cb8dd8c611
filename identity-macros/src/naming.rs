//! The naming convention: Netlify calls `identity-<event>` by name, so a crate, binary or folder
//! named for another identity function is a function that never fires, or fires for the wrong
//! event (docs/protocol.md, "Names").

use crate::args::Args;
use crate::errors::Errors;
use crate::event::Event;
use crate::similar::closest;

/// Where Netlify takes a function's name from, with the name found there.
struct NameSource {
    what: &'static str,
    name: String,
}

pub(crate) fn check(args: &Args, errors: &mut Errors) {
    if args.allow_name_mismatch {
        return;
    }
    let expected = args.event.function_name(args.background);
    for source in sources() {
        if let Some(message) = mismatch(&source, &expected, args) {
            errors.at(args.event_span, message);
            // One name is enough to show the problem; the others usually repeat it.
            return;
        }
    }
}

/// The names Cargo gives the macro: the folder (Netlify's name for a source build), the binary
/// (the name of a prebuilt function file) and the package.
fn sources() -> Vec<NameSource> {
    let mut sources = Vec::new();
    let dir = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
    if let Some(name) = std::path::Path::new(&dir).file_name() {
        sources.push(NameSource {
            what: "folder",
            name: name.to_string_lossy().into_owned(),
        });
    }
    if let Ok(name) = std::env::var("CARGO_BIN_NAME") {
        sources.push(NameSource {
            what: "binary",
            name,
        });
    }
    if let Ok(name) = std::env::var("CARGO_PKG_NAME") {
        sources.push(NameSource {
            what: "package",
            name,
        });
    }
    sources
}

/// A message when `source` names an identity function other than `expected`.
fn mismatch(source: &NameSource, expected: &str, args: &Args) -> Option<String> {
    let normalized = source.name.to_ascii_lowercase().replace('_', "-");
    let rest = normalized.strip_prefix("identity-")?;
    let (event_part, background) = match rest.strip_suffix("-background") {
        Some(event) => (event, true),
        None => (rest, false),
    };
    let what = source.what;
    let name = &source.name;
    let fix = format!(
        "help: name the {what} `{expected}`; or, if the name is right on purpose, add `allow_name_mismatch` to the attribute"
    );
    match Event::from_name(event_part) {
        Some(event) if event == args.event && background == args.background => {
            (normalized != source.name && what == "folder").then(|| {
                format!(
                    "the {what} `{name}` is not a name Netlify recognises: function names use hyphens\n\n{fix}"
                )
            })
        }
        Some(event) => Some(format!(
            "this is `{expected}`, but the {what} is named `{name}`: Netlify names the function after its {what}, so it would run this code for {}{} events\n\n{fix}",
            event.name(),
            if background { " background" } else { "" },
        )),
        None => {
            let guess = closest(event_part, &Event::NAMES)?;
            Some(format!(
                "the {what} `{name}` is no identity function name, so Netlify would never call it (did you mean `identity-{guess}`?)\n\n{fix}"
            ))
        }
    }
}
