//! The handler contract: the parameters a handler takes, the values it returns, setup once per
//! cold start, faults and deadlines, the event key, and the identity function that runs one
//! invocation from the Lambda event to its response. It builds on the wire and the model; the
//! runner calls it, never the reverse.

pub(crate) mod deny;
pub(crate) mod event_key;
pub(crate) mod faults;
pub(crate) mod function;
pub(crate) mod invocation;
pub(crate) mod invocation_context;
pub(crate) mod log;
pub(crate) mod metadata;
pub(crate) mod outcome;
pub(crate) mod setup;
