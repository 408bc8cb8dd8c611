//! The wire: what Netlify sends and receives around the payload. The Lambda event and the raw
//! request, the client context, the response, signature verification, and the errors of what
//! was sent. It builds on the model and knows nothing of handlers or the runner.

pub(crate) mod context;
pub(crate) mod error;
pub(crate) mod request;
pub(crate) mod response;
pub(crate) mod signature;
