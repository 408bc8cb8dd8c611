//! Integration tests for `identity-runtime`; this package publishes nothing.
