//! The identity events, as the macro knows them: a closed set.

/// An identity event the attribute names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    Validate,
    Signup,
    Login,
    UserDeleted,
    UserModified,
}

impl Event {
    pub(crate) const NAMES: [&'static str; 5] =
        ["validate", "signup", "login", "userdeleted", "usermodified"];

    pub(crate) fn from_name(name: &str) -> Option<Event> {
        Some(match name {
            "validate" => Event::Validate,
            "signup" => Event::Signup,
            "login" => Event::Login,
            "userdeleted" => Event::UserDeleted,
            "usermodified" => Event::UserModified,
            _ => return None,
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Event::Validate => "validate",
            Event::Signup => "signup",
            Event::Login => "login",
            Event::UserDeleted => "userdeleted",
            Event::UserModified => "usermodified",
        }
    }

    /// The runtime's variant name, for `::identity_runtime::EventKind::<variant>`.
    pub(crate) fn variant(self) -> &'static str {
        match self {
            Event::Validate => "Validate",
            Event::Signup => "Signup",
            Event::Login => "Login",
            Event::UserDeleted => "UserDeleted",
            Event::UserModified => "UserModified",
        }
    }

    /// The Netlify function name: `identity-<event>[-background]`.
    pub(crate) fn function_name(self, background: bool) -> String {
        let suffix = if background { "-background" } else { "" };
        format!("identity-{}{suffix}", self.name())
    }
}
