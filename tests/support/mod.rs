pub(crate) mod runtime_api;
