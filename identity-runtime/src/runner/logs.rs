//! The log a function writes unless its own code installs a `tracing` subscriber: one line per
//! event on stderr, which Netlify keeps; human-readable by default, one JSON object per line
//! with `AWS_LAMBDA_LOG_FORMAT=JSON`; the level from `RUST_LOG`, else `AWS_LAMBDA_LOG_LEVEL`,
//! else info. Records of the `log` crate reach the same subscriber.

use std::io::Write as _;

use serde::Serialize;
use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Dispatch, Event, Level, Subscriber};
use tracing_log::NormalizeEvent as _;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;

use crate::handler::function::IdentityFunction;
use crate::handler::log::{INVOCATION_SPAN_TARGET, TARGET};

/// How lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// `LEVEL invocation{requestId=… function=… event=…}: message fields`
    Text,
    /// `{"level":…,"requestId":…,"message":…,…}`, as Lambda's JSON log format asks.
    Json,
}

/// What the environment asks of the log, and what in it could not be understood.
#[derive(Debug)]
pub(crate) struct Settings {
    pub(crate) format: Format,
    pub(crate) filter: Targets,
    /// A variable that was set but not understood, said once the subscriber is in place.
    pub(crate) problem: Option<String>,
}

/// Reads the settings through `var` (the environment, or a test's map).
pub(crate) fn settings(var: impl Fn(&str) -> Option<String>) -> Settings {
    let format = match var("AWS_LAMBDA_LOG_FORMAT") {
        Some(format) if format.eq_ignore_ascii_case("json") => Format::Json,
        _ => Format::Text,
    };
    let (level, level_problem) = match var("AWS_LAMBDA_LOG_LEVEL").filter(|v| !v.is_empty()) {
        None => (LevelFilter::INFO, None),
        Some(name) => match lambda_level(&name) {
            Some(level) => (level, None),
            None => (
                LevelFilter::INFO,
                Some(format!(
                    "AWS_LAMBDA_LOG_LEVEL `{name}` is not a level (TRACE, DEBUG, INFO, WARN, \
                     ERROR or FATAL); logging at info"
                )),
            ),
        },
    };
    let (filter, problem) = match var("RUST_LOG").filter(|v| !v.is_empty()) {
        None => (Targets::new().with_default(level), level_problem),
        Some(directives) => match directives.parse::<Targets>() {
            // `my_site=debug` alone keeps every other target at the level it would have had.
            Ok(targets) if targets.default_level().is_none() => {
                (targets.with_default(level), level_problem)
            }
            Ok(targets) => (targets, None),
            Err(err) => (
                Targets::new().with_default(level),
                Some(format!(
                    "RUST_LOG `{directives}` is not understood ({err}); logging at {level}. It \
                     takes a level and `target=level` pairs, e.g. `info,my_site=debug`"
                )),
            ),
        },
    };
    Settings {
        format,
        // The invocation span stays on whatever the filter says: with it, every line written
        // during an invocation names its request, even when the framework's own are filtered.
        filter: filter.with_target(INVOCATION_SPAN_TARGET, LevelFilter::TRACE),
        problem,
    }
}

/// The subscriber the process environment asks for, and what in it was not understood.
pub(crate) fn from_env() -> (Dispatch, Option<String>) {
    let settings = settings(|name| std::env::var(name).ok());
    (dispatch(&settings), settings.problem)
}

/// Lambda's level names; `FATAL` is `tracing`'s error.
fn lambda_level(name: &str) -> Option<LevelFilter> {
    if name.eq_ignore_ascii_case("fatal") {
        return Some(LevelFilter::ERROR);
    }
    name.parse().ok()
}

/// The subscriber for `settings`.
pub(crate) fn dispatch(settings: &Settings) -> Dispatch {
    let registry = tracing_subscriber::registry();
    match settings.format {
        Format::Text => Dispatch::new(
            registry.with(
                tracing_subscriber::fmt::layer()
                    // Netlify's log view stamps each line itself.
                    .without_time()
                    .with_target(false)
                    .with_writer(std::io::stderr)
                    .with_filter(settings.filter.clone()),
            ),
        ),
        Format::Json => Dispatch::new(
            registry.with(JsonLines::new(std::io::stderr).with_filter(settings.filter.clone())),
        ),
    }
}

/// Runs the function's setup (once per process) with `ours` as the subscriber, then installs
/// `ours` for the rest of the process unless the setup installed a subscriber of its own.
/// Gives the setup's failure, for the caller to report.
pub(crate) async fn install_around_setup(
    function: &'static IdentityFunction,
    ours: Dispatch,
    problem: Option<&str>,
) -> Result<(), String> {
    let state = {
        let _while_setting_up = tracing::dispatcher::set_default(&ours);
        function.state().await
    };
    install_unless_present(ours, problem);
    state.map(|_| ())
}

/// Installs `ours` for the rest of the process, unless a subscriber is installed already (the
/// function's `setup` may install its own), and bridges the `log` crate's records to the
/// subscriber unless a `log` logger is installed already; then says what in the environment
/// was not understood.
pub(crate) fn install_unless_present(ours: Dispatch, problem: Option<&str>) {
    // Refused when a global subscriber is installed already: that one is kept. (Not
    // `has_been_set`, which a scoped default, as during setup, also sets.)
    let _ = tracing::dispatcher::set_global_default(ours);
    // The `log` crate's own filter lets every record through; the subscriber decides per target.
    let _ = tracing_log::LogTracer::builder()
        .with_max_level(tracing_log::log::LevelFilter::Trace)
        .init();
    if let Some(problem) = problem {
        tracing::warn!(target: TARGET, "{problem}");
    }
}

/// Routes panics' own report (where the panic happened) through `tracing`, so that it is a
/// line like the others: in the invocation's span (the framework catches a handler's panic and
/// answers it as a fault), and JSON when the lines are. Set before `setup` runs, which may set
/// its own.
pub(crate) fn report_panics() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| info.payload().downcast_ref::<String>().map(String::as_str))
            .unwrap_or("a panic with a non-string payload");
        let location = info
            .location()
            .map(|at| format!("{}:{}:{}", at.file(), at.line(), at.column()));
        // As the default hook: a backtrace only when RUST_BACKTRACE asks for one.
        let backtrace = std::backtrace::Backtrace::capture();
        match backtrace.status() {
            std::backtrace::BacktraceStatus::Captured => tracing::error!(
                target: TARGET,
                location,
                backtrace = %backtrace,
                "panicked: {message}"
            ),
            _ => tracing::error!(target: TARGET, location, "panicked: {message}"),
        }
    }));
}

/// Writes one JSON object per line: the level, the request id and the other fields of the
/// spans the event is in, the event's message and fields, and its target. `tracing-subscriber`'s
/// own JSON format nests span fields under `span` and `spans`; Lambda's JSON lines, and the
/// queries written for them, expect `requestId` at the top of each line.
struct JsonLines<W> {
    writer: W,
}

impl<W> JsonLines<W> {
    fn new(writer: W) -> Self {
        JsonLines { writer }
    }
}

/// A span's fields, kept in its extensions for the lines written inside it.
struct SpanFields(Map<String, Value>);

impl<S, W> Layer<S> for JsonLines<W>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: for<'w> MakeWriter<'w> + 'static,
{
    fn on_new_span(&self, attributes: &Attributes<'_>, id: &Id, context: Context<'_, S>) {
        let Some(span) = context.span(id) else {
            return;
        };
        let mut fields = Map::new();
        attributes.record(&mut JsonFields(&mut fields));
        span.extensions_mut().insert(SpanFields(fields));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, context: Context<'_, S>) {
        let Some(span) = context.span(id) else {
            return;
        };
        if let Some(SpanFields(fields)) = span.extensions_mut().get_mut::<SpanFields>() {
            values.record(&mut JsonFields(fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, context: Context<'_, S>) {
        // A `log` record's target and level, rather than the bridge's.
        let normalized = event.normalized_metadata();
        let metadata = normalized.as_ref().unwrap_or_else(|| event.metadata());
        let mut fields = Map::new();
        if let Some(scope) = context.event_scope(event) {
            for span in scope.from_root() {
                if let Some(SpanFields(own)) = span.extensions().get::<SpanFields>() {
                    fields.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
        }
        event.record(&mut JsonFields(&mut fields));
        let line = JsonLine {
            level: level_name(*metadata.level()),
            request_id: fields.remove("requestId"),
            message: fields.remove("message"),
            fields,
            target: metadata.target(),
        };
        let Ok(mut bytes) = serde_json::to_vec(&line) else {
            return;
        };
        bytes.push(b'\n');
        // One write per line: stderr is unbuffered, and Lambda keeps one write as one record.
        let _ = self.writer.make_writer().write_all(&bytes);
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::ERROR => "ERROR",
        Level::WARN => "WARN",
        Level::INFO => "INFO",
        Level::DEBUG => "DEBUG",
        Level::TRACE => "TRACE",
    }
}

#[derive(Serialize)]
struct JsonLine<'a> {
    level: &'static str,
    #[serde(rename = "requestId", skip_serializing_if = "Option::is_none")]
    request_id: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Value>,
    #[serde(flatten)]
    fields: Map<String, Value>,
    target: &'a str,
}

/// Records fields as JSON values: numbers and booleans as such, everything else as text.
struct JsonFields<'a>(&'a mut Map<String, Value>);

impl JsonFields<'_> {
    fn insert(&mut self, field: &Field, value: Value) {
        // The `log` bridge's own fields (`log.target`, `log.file`, …) say what the normalized
        // metadata already says.
        if !field.name().starts_with("log.") {
            self.0.insert(field.name().to_owned(), value);
        }
    }
}

impl Visit for JsonFields<'_> {
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.insert(
            field,
            serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number),
        );
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.insert(field, value.into());
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.insert(field, value.into());
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.insert(field, value.into());
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.insert(field, value.into());
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.insert(field, value.to_string().into());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.insert(field, format!("{value:?}").into());
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use tracing::Level;

    use super::*;

    fn settings_of(vars: &[(&str, &str)]) -> Settings {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        settings(|name| vars.get(name).cloned())
    }

    fn enabled(settings: &Settings, target: &str, level: Level) -> bool {
        settings.filter.would_enable(target, &level)
    }

    #[test]
    fn by_default_text_at_info() {
        let settings = settings_of(&[]);
        assert_eq!(settings.format, Format::Text);
        assert!(enabled(&settings, "identity_runtime", Level::INFO));
        assert!(!enabled(&settings, "my_site", Level::DEBUG));
        assert!(settings.problem.is_none());
    }

    #[test]
    fn json_when_lambda_asks_in_any_case() {
        for format in ["JSON", "json", "Json"] {
            let settings = settings_of(&[("AWS_LAMBDA_LOG_FORMAT", format)]);
            assert_eq!(settings.format, Format::Json, "{format}");
        }
        let settings = settings_of(&[("AWS_LAMBDA_LOG_FORMAT", "Text")]);
        assert_eq!(settings.format, Format::Text);
    }

    #[test]
    fn rust_log_comes_before_lambdas_level() {
        let settings = settings_of(&[("RUST_LOG", "warn"), ("AWS_LAMBDA_LOG_LEVEL", "DEBUG")]);
        assert!(!enabled(&settings, "identity_runtime", Level::INFO));
        assert!(enabled(&settings, "identity_runtime", Level::WARN));
    }

    #[test]
    fn lambdas_level_names_are_read_fatal_included() {
        let debug = settings_of(&[("AWS_LAMBDA_LOG_LEVEL", "DEBUG")]);
        assert!(enabled(&debug, "my_site", Level::DEBUG));
        let fatal = settings_of(&[("AWS_LAMBDA_LOG_LEVEL", "FATAL")]);
        assert!(enabled(&fatal, "my_site", Level::ERROR));
        assert!(!enabled(&fatal, "my_site", Level::WARN));
    }

    #[test]
    fn a_target_alone_keeps_the_rest_at_the_level_it_had() {
        let settings = settings_of(&[("RUST_LOG", "my_site=debug")]);
        assert!(enabled(&settings, "my_site::crm", Level::DEBUG));
        assert!(enabled(&settings, "identity_runtime", Level::INFO));
        assert!(!enabled(&settings, "identity_runtime", Level::DEBUG));
        let settings = settings_of(&[
            ("RUST_LOG", "my_site=debug"),
            ("AWS_LAMBDA_LOG_LEVEL", "ERROR"),
        ]);
        assert!(!enabled(&settings, "identity_runtime", Level::WARN));
    }

    #[test]
    fn what_is_not_understood_is_said_and_info_kept() {
        let settings = settings_of(&[("RUST_LOG", "my_site=loud")]);
        let problem = settings.problem.as_deref().unwrap();
        assert!(
            problem.contains("RUST_LOG `my_site=loud` is not understood"),
            "{problem}"
        );
        assert!(enabled(&settings, "my_site", Level::INFO));
        assert!(!enabled(&settings, "my_site", Level::DEBUG));
        let settings = settings_of(&[("AWS_LAMBDA_LOG_LEVEL", "LOUD")]);
        let problem = settings.problem.as_deref().unwrap();
        assert!(
            problem.contains("AWS_LAMBDA_LOG_LEVEL `LOUD` is not a level"),
            "{problem}"
        );
        assert!(enabled(&settings, "my_site", Level::INFO));
    }

    #[test]
    fn the_invocation_span_is_on_whatever_the_filter() {
        let settings = settings_of(&[("RUST_LOG", "off")]);
        assert!(!enabled(&settings, "identity_runtime", Level::ERROR));
        assert!(enabled(&settings, INVOCATION_SPAN_TARGET, Level::INFO));
    }

    /// Lines written to memory, for the JSON layer's tests.
    #[derive(Clone, Default)]
    struct Written(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Written {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| std::io::Error::other("poisoned"))?
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'w> MakeWriter<'w> for Written {
        type Writer = Written;

        fn make_writer(&'w self) -> Written {
            self.clone()
        }
    }

    fn json_lines(log: impl FnOnce()) -> Vec<Value> {
        written_lines(log)
            .iter()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    fn written_lines(log: impl FnOnce()) -> Vec<String> {
        let written = Written::default();
        let settings = settings_of(&[("RUST_LOG", "info")]);
        let subscriber = tracing_subscriber::registry()
            .with(JsonLines::new(written.clone()).with_filter(settings.filter));
        tracing::subscriber::with_default(subscriber, log);
        let bytes = written.0.lock().unwrap().clone();
        String::from_utf8(bytes)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn a_json_line_reads_level_request_and_message_first() {
        let lines = written_lines(|| {
            let span = crate::handler::log::invocation_span("req-1", "identity-login", "login");
            span.in_scope(|| tracing::error!(target: "my_site", "crm down"));
        });
        assert_eq!(
            lines,
            [
                r#"{"level":"ERROR","requestId":"req-1","message":"crm down","event":"login","function":"identity-login","target":"my_site"}"#
            ]
        );
    }

    #[test]
    fn a_json_line_carries_the_request_id_at_its_top_and_the_events_fields() {
        let lines = json_lines(|| {
            let span = crate::handler::log::invocation_span("req-1", "identity-signup", "signup");
            span.in_scope(|| {
                tracing::info!(target: "my_site", plan = "pro", seats = 3, "upgraded");
                tracing::debug!(target: "my_site", "not at info");
            });
            tracing::warn!(target: "my_site", "outside any invocation");
        });
        assert_eq!(
            lines,
            [
                serde_json::json!({
                    "level": "INFO", "requestId": "req-1", "message": "upgraded",
                    "function": "identity-signup", "event": "signup", "plan": "pro", "seats": 3,
                    "target": "my_site",
                }),
                serde_json::json!({
                    "level": "WARN", "message": "outside any invocation", "target": "my_site",
                }),
            ]
        );
    }

    #[test]
    fn a_span_field_recorded_later_reaches_the_lines_after_it() {
        let lines = json_lines(|| {
            let span =
                tracing::info_span!(target: "my_site", "crm", customer = tracing::field::Empty);
            span.in_scope(|| {
                tracing::info!(target: "my_site", "before");
                span.record("customer", "cus_1");
                tracing::info!(target: "my_site", "after");
            });
        });
        assert_eq!(lines[0].get("customer"), None);
        assert_eq!(lines[1]["customer"], "cus_1");
    }
}
