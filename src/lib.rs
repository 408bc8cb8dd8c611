//! Integration tests and examples for `identity-runtime`; this package publishes nothing.
