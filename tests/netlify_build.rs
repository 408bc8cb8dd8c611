//! The example site's one-build deploy, through Netlify's own CLI: `netlify build --offline` runs
//! the site's build command (`build-functions.sh`: one `cargo build` of the functions' workspace
//! for Netlify's target, each binary placed as a prebuilt function) and packages the functions
//! as a deploy ships them. Every package must be a Rust function to Netlify (`runtime: rs`, a
//! `bootstrap` with `rust_eh_personality`) and its `bootstrap` must answer GoTrue's event under a
//! Lambda Runtime API, as the platform runs it.
//!
//! `netlify functions:serve` cannot run this check: netlify-cli (23.9.5) serves Rust functions
//! only from source (its Rust runtime registers a function only when its main file is `.rs`);
//! `tests/netlify_cli.rs` serves the same functions from source that way.
//!
//! Needs netlify-cli: `.ci/run` installs the pinned version and runs this with `--ignored`,
//! passing the binary in `NETLIFY_CLI`.

#[path = "support/runtime_api.rs"]
#[allow(
    dead_code,
    reason = "the plain server only; lambda_runtime_api.rs uses the rest"
)]
mod runtime_api;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use identity_runtime::{EventKind, testing};
use runtime_api::{Invocation, RuntimeApi};
use serde_json::{Value, json};

const FUNCTIONS: [(&str, EventKind); 4] = [
    ("identity-validate", EventKind::Validate),
    ("identity-signup", EventKind::Signup),
    ("identity-login", EventKind::Login),
    ("identity-signup-background", EventKind::Signup),
];

fn site() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/netlify-site")
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    )
}

/// `bootstrap` out of a function's zip, as the platform unpacks it (Python's zipfile: no `unzip`
/// on a fresh machine).
fn unpack(zip: &Path, into: &Path) -> PathBuf {
    let status = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract('bootstrap', sys.argv[2])",
        ])
        .arg(zip)
        .arg(into)
        .status()
        .expect("run python3");
    assert!(status.success(), "no bootstrap in {zip:?}");
    let bootstrap = into.join("bootstrap");
    let mut permissions = std::fs::metadata(&bootstrap).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&bootstrap, permissions).unwrap();
    bootstrap
}

fn has_rust_symbol(binary: &Path) -> bool {
    let output = Command::new("nm").arg(binary).output().expect("run nm");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .any(|line| line.split_whitespace().last() == Some("rust_eh_personality"))
}

/// The answer `bootstrap` posts for `payload`, as (status, body JSON), the binary run as the
/// platform runs it: under a Runtime API, with the function's name in its environment.
fn answer(bootstrap: &Path, name: &str, payload: &str, outbox: &Path) -> (u64, Value) {
    let api = RuntimeApi::start();
    let mut child = api
        .environment(&mut Command::new(bootstrap))
        .env("AWS_LAMBDA_FUNCTION_NAME", name)
        .env("OUTBOX_DIR", outbox)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start bootstrap");
    api.push(Invocation {
        id: "deployed".into(),
        event: String::from_utf8(testing::lambda_event(payload)).unwrap(),
        client_context: None,
        deadline_in: Duration::from_secs(30),
    });
    let posted = api.next_posted(Duration::from_secs(60));
    let _ = child.kill();
    let _ = child.wait();
    posted
        .unwrap_or_else(|| panic!("{name}: no answer within 60 s"))
        .answer("deployed")
}

/// The log without its ANSI colour codes (`ESC [ … m`), in case the CLI colours it anyway.
fn without_colours(log: &str) -> String {
    let mut plain = String::with_capacity(log.len());
    let mut chars = log.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // Skip the escape's parameters up to and including its final letter.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain
}

#[test]
#[ignore = "needs netlify-cli and a release build for musl; run by .ci/run"]
fn one_build_of_the_site_deploys_every_function_as_rust() {
    let cli = std::env::var("NETLIFY_CLI")
        .expect("NETLIFY_CLI must name the netlify binary (.ci/run installs it)");
    let built = site().join("netlify/functions-built");
    let packages = site().join(".netlify/functions");
    let _ = std::fs::remove_dir_all(&built);
    let _ = std::fs::remove_dir_all(&packages);
    let output = Command::new(cli)
        .args(["build", "--offline"])
        .current_dir(site())
        .env("CARGO_TARGET_DIR", target_dir())
        // Plain text to read: under CI the CLI colours its log unless told not to.
        .env("NO_COLOR", "1")
        .env("FORCE_COLOR", "0")
        .output()
        .expect("run netlify build");
    let log = without_colours(&format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ));
    assert!(output.status.success(), "netlify build failed:\n{log}");
    assert!(
        log.contains("Packaging Functions from netlify/functions-built directory"),
        "{log}"
    );

    // What the deploy ships: four Rust functions, under their own names.
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(packages.join("manifest.json")).expect("manifest.json"),
    )
    .unwrap();
    let mut shipped: Vec<(String, String)> = manifest["functions"]
        .as_array()
        .expect("a list of functions")
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_owned(),
                f["runtime"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    shipped.sort();
    let mut expected: Vec<(String, String)> = FUNCTIONS
        .iter()
        .map(|(name, _)| ((*name).to_owned(), "rs".to_owned()))
        .collect();
    expected.sort();
    assert_eq!(shipped, expected);

    let scratch = std::env::temp_dir().join(format!("identity-deploy-{}", std::process::id()));
    let outbox = scratch.join("outbox");
    std::fs::create_dir_all(&outbox).unwrap();
    for (name, event) in FUNCTIONS {
        let bootstrap = unpack(&packages.join(format!("{name}.zip")), &scratch.join(name));
        assert!(
            has_rust_symbol(&bootstrap),
            "{name}: no rust_eh_personality"
        );
        // GoTrue's own payload: a user without metadata (`null`), as sent for a bare signup.
        let (status, body) = answer(&bootstrap, name, &testing::gotrue_payload(event), &outbox);
        match name {
            // The site's signup requires a full name, which that user has not given.
            "identity-signup" => {
                assert_eq!(status, 422, "{body}");
                assert_eq!(body["error"], "denied");
            }
            // The platform answers GoTrue 202 itself; the function's own answer is empty, and
            // its work is the welcome message in the outbox.
            "identity-signup-background" => {
                assert_eq!(status, 204, "{body}");
                let written = std::fs::read_dir(&outbox)
                    .unwrap()
                    .filter_map(Result::ok)
                    .any(|entry| entry.file_name().to_string_lossy().starts_with("welcome-"));
                assert!(written, "no welcome message in {outbox:?}");
            }
            _ => assert!(status == 200 || status == 204, "{name}: {status} {body}"),
        }
    }

    // And a signup with a name: a member, every other key kept.
    let bootstrap = scratch.join("identity-signup/bootstrap");
    let mut payload: Value =
        serde_json::from_str(&testing::gotrue_payload(EventKind::Signup)).unwrap();
    payload["user"]["user_metadata"] = json!({"full_name": "Ada Lovelace"});
    payload["user"]["app_metadata"] = json!({"provider": "github", "plan": "pro"});
    let (status, body) = answer(&bootstrap, "identity-signup", &payload.to_string(), &outbox);
    assert_eq!(status, 200);
    assert_eq!(
        body["app_metadata"],
        json!({"provider": "github", "plan": "pro", "roles": ["member"]})
    );
    let _ = std::fs::remove_dir_all(&scratch);
}
