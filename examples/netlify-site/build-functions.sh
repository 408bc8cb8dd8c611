#!/usr/bin/env bash
# One build for the whole site: the functions' workspace is compiled once, for Netlify's target,
# with one target directory, and each binary is placed in the functions directory under its
# function's name, as a prebuilt function. Netlify's own source builds compile every function
# folder from clean in its own target directory: the whole dependency tree once per function.
# netlify.toml runs this as the site's build command (identity-runtime's README, "Deploy").
set -euo pipefail
cd "$(dirname "$0")"
target=x86_64-unknown-linux-musl
out=netlify/functions-built
if ! rustup target list --installed | grep -qx "$target"; then
  rustup target add "$target"
fi
cargo build --release --locked --target "$target" --workspace
rm -rf "$out"
mkdir -p "$out"
# Every function crate of the workspace, by the folder it lives in: folder, package and binary
# share the function's name (identity-runtime's macro checks that at compile time).
for manifest in netlify/functions/*/Cargo.toml; do
  name="$(basename "$(dirname "$manifest")")"
  cp "${CARGO_TARGET_DIR:-target}/$target/release/$name" "$out/$name"
  echo "placed $out/$name"
done
