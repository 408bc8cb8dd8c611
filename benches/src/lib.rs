//! What the benchmarks share: the events, in process (`benches/`) and end to end (`src/bin/`).

pub mod events;
