//! The example binaries (the `identity-examples` package), built on first use, for the tests
//! that run them as processes.

use std::path::PathBuf;
use std::process::Command;

/// The example's binary, built first (a no-op when it is fresh).
pub(crate) fn example(name: &str) -> PathBuf {
    let status = Command::new(env!("CARGO"))
        .args([
            "build",
            "--quiet",
            "-p",
            "identity-examples",
            "--example",
            name,
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("run cargo");
    assert!(status.success(), "building example {name}");
    let deps = std::env::current_exe().expect("the test's own path");
    let profile_dir = deps
        .parent()
        .and_then(|d| d.parent())
        .expect("the test binary sits in <profile>/deps");
    profile_dir.join("examples").join(name)
}
