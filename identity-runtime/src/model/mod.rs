//! The model: the user, their metadata, the events and the change builder, as serde reads and
//! writes them. It knows nothing of the Lambda event, the handler contract or the runner.

pub(crate) mod app_metadata;
pub(crate) mod change;
pub(crate) mod event;
pub(crate) mod other_keys;
pub(crate) mod strict;
pub(crate) mod text;
pub(crate) mod typed;
pub(crate) mod user;
pub(crate) mod user_metadata;
