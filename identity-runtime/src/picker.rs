//! A deterministic choice for the tests that generate their input: no dependency, and the same
//! cases on every run, so that a failure names an input that fails again.

/// `pick(n)` returns a number below `n` (`n > 0`), from a 64-bit LCG started at `seed`.
pub(crate) fn picker(seed: u64) -> impl FnMut(usize) -> usize {
    let mut state = seed;
    move |n| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(state >> 33).unwrap_or(0) % n
    }
}
