//! What a user sees when they use `#[identity_event]`: `pass/` must build and answer the sample
//! event, `fail/` must fail with exactly the `.stderr` beside it. The `.stderr` files are made
//! with the toolchain in `rust-toolchain.toml`; regenerate with `TRYBUILD=overwrite`, then read
//! the diff.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
