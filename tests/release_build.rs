//! Release builds of the example site, native and for Netlify's target
//! (`x86_64-unknown-linux-musl`), keep what Netlify needs to recognise a prebuilt Rust binary:
//! the `rust_eh_personality` symbol. Run by `.ci/run` with `--ignored`; it adds the musl target
//! itself and fails, never passes, when it cannot.

use std::path::{Path, PathBuf};
use std::process::Command;

const MUSL: &str = "x86_64-unknown-linux-musl";
const FUNCTIONS: [&str; 4] = [
    "identity-validate",
    "identity-signup",
    "identity-login",
    "identity-signup-background",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

fn build(extra: &[&str]) {
    let output = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet"])
        .args(extra)
        .current_dir(root().join("examples/netlify-site"))
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .expect("run cargo");
    assert!(
        output.status.success(),
        "cargo build --release {extra:?}:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Whether the binary's symbol table names `rust_eh_personality`, as `nm` lists it.
fn has_rust_symbol(binary: &Path) -> bool {
    let output = Command::new("nm")
        .arg(binary)
        .output()
        .expect("run nm (binutils)");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .any(|line| line.split_whitespace().last() == Some("rust_eh_personality"))
}

#[test]
#[ignore = "builds the site twice in release mode; run by .ci/run"]
fn release_builds_keep_the_symbol_netlify_looks_for() {
    let added = Command::new("rustup")
        .args(["target", "add", MUSL])
        .current_dir(root())
        .output()
        .expect("run rustup");
    assert!(
        added.status.success(),
        "cannot add {MUSL}: {}",
        String::from_utf8_lossy(&added.stderr)
    );

    build(&[]);
    build(&["--target", MUSL]);
    for function in FUNCTIONS {
        let native = target_dir().join("release").join(function);
        let musl = target_dir().join(MUSL).join("release").join(function);
        assert!(has_rust_symbol(&native), "{}", native.display());
        assert!(has_rust_symbol(&musl), "{}", musl.display());
    }

    // The musl binary is what Netlify ships: it runs here too, and answers the sample.
    let musl = target_dir().join(MUSL).join("release/identity-signup");
    let output = Command::new(&musl).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("identity-signup answered 200"));

    // The check can fail: a fully stripped copy has no symbol table, and Netlify could miss it.
    let stripped =
        std::env::temp_dir().join(format!("identity-signup-stripped-{}", std::process::id()));
    std::fs::copy(&musl, &stripped).unwrap();
    let status = Command::new("strip")
        .arg("-s")
        .arg(&stripped)
        .status()
        .expect("run strip");
    assert!(status.success());
    assert!(
        !has_rust_symbol(&stripped),
        "strip -s kept the symbol table"
    );
    let _ = std::fs::remove_file(stripped);
}
