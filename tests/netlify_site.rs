//! The example Netlify site builds as Netlify builds it (each `netlify/functions/<name>/` crate
//! with cargo), every function answers the sample event under its own name, and the naming
//! check catches a folder meant for another identity function.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The workspace's target directory, shared so that nothing is built twice.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

fn cargo(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .expect("run cargo")
}

fn site() -> PathBuf {
    root().join("examples/netlify-site")
}

const FUNCTIONS: [&str; 4] = [
    "identity-validate",
    "identity-signup",
    "identity-login",
    "identity-signup-background",
];

#[test]
fn the_site_is_laid_out_as_netlify_expects() {
    // Deploys build the workspace once and ship the binaries `build-functions.sh` places.
    let toml = std::fs::read_to_string(site().join("netlify.toml")).unwrap();
    assert!(toml.contains("command = \"bash build-functions.sh\""));
    assert!(toml.contains("directory = \"netlify/functions-built\""));
    let script = std::fs::read_to_string(site().join("build-functions.sh")).unwrap();
    assert!(script.contains("netlify/functions-built"));
    for function in FUNCTIONS {
        let dir = site().join("netlify/functions").join(function);
        assert!(dir.join("src/main.rs").is_file(), "{function}/src/main.rs");
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains(&format!("name = \"{function}\"")),
            "{function}: package name"
        );
        // Netlify's CLI reads these manifests with a TOML parser that rejects dotted keys.
        for line in manifest.lines() {
            let key = line.split('=').next().unwrap_or("").trim();
            assert!(!key.contains('.'), "{function}: dotted key in `{line}`");
        }
    }
}

#[test]
fn every_site_function_builds_and_answers_under_its_name() {
    let output = cargo(&site(), &["build", "--quiet"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let expected = [
        ("identity-validate", 204, Value::Null),
        (
            "identity-signup",
            200,
            json!({"app_metadata": {"provider": "email", "roles": ["member"]}}),
        ),
        ("identity-login", 204, Value::Null),
        ("identity-signup-background", 204, Value::Null),
    ];
    for (function, status, body) in expected {
        let binary = target_dir().join("debug").join(function);
        let spec = Command::new(&binary).arg("--spec").output().unwrap();
        let spec: Value = serde_json::from_slice(&spec.stdout).unwrap();
        assert_eq!(spec["name"], function);

        let answer = Command::new(&binary).output().unwrap();
        assert!(answer.status.success(), "{function}: {answer:?}");
        let stdout = String::from_utf8_lossy(&answer.stdout);
        assert!(
            stdout.starts_with(&format!("{function} answered {status}")),
            "{stdout}"
        );
        let printed = stdout
            .find('{')
            .map(|start| serde_json::from_str::<Value>(&stdout[start..]));
        match printed {
            Some(json) => assert_eq!(json.unwrap(), body, "{function}"),
            None => assert_eq!(body, Value::Null, "{function}"),
        }
    }
}

/// A scratch function crate in a folder of the given name, outside any workspace.
fn scratch_crate(folder: &str, attribute: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(
            format!("identity-naming-{}-{attribute}", std::process::id())
                .replace([',', ' ', '(', ')'], "_"),
        )
        .join(folder);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let runtime = root().join("identity-runtime");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{folder}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\nidentity-runtime = {{ path = {:?} }}\n\n[workspace]\n",
            runtime.display().to_string()
        ),
    )
    .unwrap();
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    std::fs::write(
        dir.join("src/main.rs"),
        format!("use identity_runtime::{{User, identity_event}};\n\n#[{attribute}]\nfn handle(_user: &User) {{}}\n"),
    )
    .unwrap();
    dir
}

#[test]
fn a_folder_named_for_another_function_does_not_compile() {
    let dir = scratch_crate("identity-login", "identity_event(signup)");
    let output = cargo(&dir, &["build", "--quiet", "--offline"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("this is `identity-signup`, but the folder is named `identity-login`"),
        "{stderr}"
    );
    assert!(stderr.contains("allow_name_mismatch"), "{stderr}");
    assert_eq!(
        stderr.matches("error:").count(),
        2,
        "one error and cargo's summary: {stderr}"
    );

    let dir = scratch_crate(
        "identity-login",
        "identity_event(signup, allow_name_mismatch)",
    );
    let output = cargo(&dir, &["build", "--quiet", "--offline"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_misspelt_function_folder_does_not_compile() {
    let dir = scratch_crate("identity-sigup", "identity_event(signup)");
    let output = cargo(&dir, &["build", "--quiet", "--offline"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("the folder `identity-sigup` is no identity function name"),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `identity-signup`?"),
        "{stderr}"
    );
}

#[test]
fn a_background_function_in_a_plain_folder_does_not_compile() {
    let dir = scratch_crate("identity-signup", "identity_event(signup, background)");
    let output = cargo(&dir, &["build", "--quiet", "--offline"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains(
            "this is `identity-signup-background`, but the folder is named `identity-signup`"
        ),
        "{stderr}"
    );
}
