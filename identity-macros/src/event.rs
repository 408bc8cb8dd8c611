//! The identity events, as the macro knows them: a closed set, listed once.

/// An identity event the attribute names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    Validate,
    Signup,
    Login,
    UserDeleted,
    UserModified,
}

/// Every event, in the order of [`Event`]'s variants: its name in the attribute and on the wire,
/// and the runtime's `EventKind` variant. Everything else here is read from this table.
const EVENTS: [(Event, &str, &str); 5] = [
    (Event::Validate, "validate", "Validate"),
    (Event::Signup, "signup", "Signup"),
    (Event::Login, "login", "Login"),
    (Event::UserDeleted, "userdeleted", "UserDeleted"),
    (Event::UserModified, "usermodified", "UserModified"),
];

impl Event {
    /// Every event's name, for suggestions.
    pub(crate) const NAMES: [&'static str; 5] = {
        let mut names = [""; 5];
        let mut i = 0;
        while i < EVENTS.len() {
            names[i] = EVENTS[i].1;
            i += 1;
        }
        names
    };

    pub(crate) fn from_name(name: &str) -> Option<Event> {
        EVENTS
            .iter()
            .find(|(_, known, _)| *known == name)
            .map(|(event, _, _)| *event)
    }

    fn entry(self) -> &'static (Event, &'static str, &'static str) {
        // The table lists the variants in their order.
        &EVENTS[self as usize]
    }

    pub(crate) fn name(self) -> &'static str {
        self.entry().1
    }

    /// The runtime's variant name, for `::identity_runtime::EventKind::<variant>`.
    pub(crate) fn variant(self) -> &'static str {
        self.entry().2
    }

    /// The Netlify function name: `identity-<event>[-background]`.
    pub(crate) fn function_name(self, background: bool) -> String {
        let suffix = if background { "-background" } else { "" };
        format!("identity-{}{suffix}", self.name())
    }

    /// The events as a message lists them: "`validate`, `signup`, …".
    pub(crate) fn listed() -> String {
        listed(Self::NAMES.iter())
    }
}

/// Words in backticks, separated by commas.
pub(crate) fn listed<'a>(words: impl Iterator<Item = &'a &'a str>) -> String {
    words
        .map(|word| format!("`{word}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lists_the_variants_in_order() {
        for (event, name, _) in EVENTS {
            assert_eq!(event.name(), name);
            assert_eq!(Event::from_name(name), Some(event));
        }
        assert_eq!(
            Event::listed(),
            "`validate`, `signup`, `login`, `userdeleted`, `usermodified`"
        );
    }
}
