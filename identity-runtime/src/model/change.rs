//! Metadata changes: the only way a handler changes a user.
//!
//! GoTrue replaces a metadata object with the one a function returns (docs/protocol.md, "The
//! response GoTrue expects"). A change is therefore built as edits of the user's *current*
//! objects and answered complete, and only the objects that were edited are sent back.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::model::app_metadata::AppMetadata;
use crate::model::typed;
use crate::model::user_metadata::UserMetadata;

/// Edits of a user's metadata, answered as a 200 with the complete edited objects.
///
/// A change can only be started from a user ([`User::change`](crate::User::change)), so every
/// key the handler did not name is kept. An unedited change answers 204, "no change".
///
/// ```
/// use identity_runtime::testing::sample_user;
///
/// let user = sample_user();
/// let change = user
///     .change()
///     .add_role("member")
///     .set_app("plan", "free")
///     .set_user("locale", "en");
/// let body = change.to_body().unwrap();
/// assert_eq!(body["app_metadata"]["provider"], "email"); // kept
/// assert_eq!(body["app_metadata"]["plan"], "free");
/// assert_eq!(body["user_metadata"]["full_name"], "Test Person"); // kept
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use = "a metadata change does nothing unless the handler returns it"]
pub struct MetadataChange {
    app: AppMetadata,
    user: UserMetadata,
    app_changed: bool,
    user_changed: bool,
    /// The first edit that could not be applied; answering such a change is a fault.
    misuse: Option<String>,
}

/// What a change answers: the edited objects.
#[derive(Serialize)]
pub(crate) struct Body<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    app_metadata: Option<&'a AppMetadata>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_metadata: Option<&'a UserMetadata>,
}

impl MetadataChange {
    pub(crate) fn new(app: AppMetadata, user: UserMetadata) -> Self {
        MetadataChange {
            app,
            user,
            app_changed: false,
            user_changed: false,
            misuse: None,
        }
    }

    /// Adds `role` to `app_metadata.roles`, once (adding a role the user has changes nothing).
    pub fn add_role(mut self, role: impl Into<String>) -> Self {
        let role = role.into();
        if !self.app.has_role(&role) {
            self.app.roles.get_or_insert_with(Vec::new).push(role);
            self.app_changed = true;
        }
        self
    }

    /// Removes `role` from `app_metadata.roles`, if the user has it.
    ///
    /// ```
    /// # use identity_runtime::testing::sample_user;
    /// let mut user = sample_user();
    /// user.app_metadata.roles = Some(vec!["admin".into(), "member".into()]);
    /// let body = user.change().remove_role("admin").to_body().unwrap();
    /// assert_eq!(body["app_metadata"]["roles"], serde_json::json!(["member"]));
    /// ```
    pub fn remove_role(mut self, role: &str) -> Self {
        if let Some(roles) = self.app.roles.as_mut() {
            let before = roles.len();
            roles.retain(|r| r != role);
            self.app_changed |= roles.len() != before;
        }
        self
    }

    /// Sets a key of `app_metadata` other than `provider` and `roles`.
    ///
    /// `provider` and `roles` have typed edits ([`add_role`](Self::add_role),
    /// [`replace_app_metadata`](Self::replace_app_metadata)). Naming them here marks the change
    /// as misused: answering it is a fault (500, logged), never a silently written key.
    ///
    /// ```
    /// # use identity_runtime::testing::sample_user;
    /// let change = sample_user().change().set_app("roles", "admin");
    /// assert!(change.misuse().unwrap().contains("add_role"));
    /// ```
    pub fn set_app(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        let key = key.into();
        if key == "provider" || key == "roles" {
            return self.misused(format!(
                "set_app(\"{key}\", …) cannot set a typed key: use add_role/remove_role for \
                 roles, replace_app_metadata for provider"
            ));
        }
        let value = value.into();
        if self.app.other.get(&key) != Some(&value) {
            self.app.other.insert(key, value);
            self.app_changed = true;
        }
        self
    }

    /// Removes a key of `app_metadata` other than `provider` and `roles` (those are left as
    /// they are; use [`remove_role`](Self::remove_role) or
    /// [`replace_app_metadata`](Self::replace_app_metadata)).
    pub fn remove_app(mut self, key: &str) -> Self {
        self.app_changed |= self.app.other.remove(key).is_some();
        self
    }

    /// Sets a key of `user_metadata`.
    pub fn set_user(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        let key = key.into();
        let value = value.into();
        if self.user.get(&key) != Some(&value) {
            self.user.map_mut().insert(key, value);
            self.user_changed = true;
        }
        self
    }

    /// Removes a key of `user_metadata`.
    pub fn remove_user(mut self, key: &str) -> Self {
        // Nothing to remove from a `null` object, which stays `null`.
        if self.user.is_null() {
            return self;
        }
        self.user_changed |= self.user.map_mut().remove(key).is_some();
        self
    }

    /// Writes the site's own typed value over `app_metadata`: the keys its type names are set
    /// to what it holds (a named key it leaves out, an `Option` skipped when `None`, is
    /// removed); every other key stays as sent. `provider` stays as sent too: a value may
    /// repeat it or leave it out, and one that would change it marks the change as misused.
    /// `roles`, if the type names it, must be written as a list of strings (an enum of the
    /// site's roles is); anything else marks the change as misused. Answering a misused change
    /// is a fault (500, logged), never a written key.
    ///
    /// ```
    /// use identity_runtime::testing::sample_user;
    /// use serde::{Deserialize, Serialize};
    ///
    /// #[derive(Serialize, Deserialize)]
    /// #[serde(rename_all = "lowercase")]
    /// enum Role { Member }
    ///
    /// #[derive(Serialize, Deserialize)]
    /// struct Billing { plan: String, roles: Vec<Role> }
    ///
    /// let user = sample_user();
    /// let billing = Billing { plan: "pro".into(), roles: vec![Role::Member] };
    /// let body = user.change().write_app(&billing).to_body().unwrap();
    /// assert_eq!(
    ///     body["app_metadata"],
    ///     serde_json::json!({"provider": "email", "roles": ["member"], "plan": "pro"})
    /// );
    /// ```
    pub fn write_app<T: Serialize + DeserializeOwned>(mut self, value: &T) -> Self {
        let type_name = std::any::type_name::<T>();
        let written = match typed::written(value) {
            Ok(written) => written,
            Err(reason) => return self.misused(format!("write_app: {reason}")),
        };
        for (key, value) in written.set {
            match key.as_str() {
                "provider" => {
                    let unchanged = match (&value, &self.app.provider) {
                        (Value::Null, _) => true,
                        (Value::String(new), Some(sent)) => new == sent,
                        _ => false,
                    };
                    if !unchanged {
                        return self.misused(format!(
                            "write_app(&{type_name}) would change `provider`, which stays as \
                             GoTrue sent it; leave it out or repeat it"
                        ));
                    }
                }
                "roles" => {
                    let roles = match value {
                        // `null` is no roles: the key is removed, never written as `null`.
                        Value::Null => None,
                        Value::Array(items) => match strings(items) {
                            Some(roles) => Some(roles),
                            None => {
                                return self.misused(format!(
                                    "write_app(&{type_name}) writes `roles` with an item that \
                                     is not a string; roles are a list of strings on the wire"
                                ));
                            }
                        },
                        _ => {
                            return self.misused(format!(
                                "write_app(&{type_name}) writes `roles` as something other than \
                                 a list; roles are a list of strings on the wire"
                            ));
                        }
                    };
                    if self.app.roles != roles {
                        self.app.roles = roles;
                        self.app_changed = true;
                    }
                }
                _ => {
                    if self.app.other.get(&key) != Some(&value) {
                        self.app.other.insert(key, value);
                        self.app_changed = true;
                    }
                }
            }
        }
        for key in written.removed {
            match key {
                "provider" => {}
                "roles" => {
                    if self.app.roles.take().is_some() {
                        self.app_changed = true;
                    }
                }
                _ => self.app_changed |= self.app.other.remove(key).is_some(),
            }
        }
        self
    }

    /// Writes the site's own typed value over `user_metadata`: the keys its type names are set
    /// to what it holds (a named key it leaves out is removed); every other key stays as sent.
    ///
    /// ```
    /// use identity_runtime::testing::sample_user;
    /// use serde::{Deserialize, Serialize};
    ///
    /// #[derive(Serialize, Deserialize)]
    /// struct Preferences { newsletter: bool }
    ///
    /// let body = sample_user()
    ///     .change()
    ///     .write_user(&Preferences { newsletter: true })
    ///     .to_body()
    ///     .unwrap();
    /// assert_eq!(
    ///     body["user_metadata"],
    ///     serde_json::json!({"full_name": "Test Person", "newsletter": true})
    /// );
    /// ```
    pub fn write_user<T: Serialize + DeserializeOwned>(mut self, value: &T) -> Self {
        let written = match typed::written(value) {
            Ok(written) => written,
            Err(reason) => return self.misused(format!("write_user: {reason}")),
        };
        for (key, value) in written.set {
            if self.user.get(&key) != Some(&value) {
                self.user.map_mut().insert(key, value);
                self.user_changed = true;
            }
        }
        for key in written.removed {
            if self.user.get(key).is_some() {
                self.user.map_mut().remove(key);
                self.user_changed = true;
            }
        }
        self
    }

    /// Marks the change as misused, keeping the first reason.
    fn misused(mut self, reason: String) -> Self {
        self.misuse.get_or_insert(reason);
        self
    }

    /// Replaces `app_metadata` as a whole. Whatever the new object lacks, `provider` included,
    /// is deleted from the user: this is the one edit that can drop keys, and it says so.
    ///
    /// ```
    /// # use identity_runtime::{AppMetadata, testing::sample_user};
    /// let body = sample_user().change().replace_app_metadata(AppMetadata::default()).to_body();
    /// assert_eq!(body.unwrap()["app_metadata"], serde_json::json!({}));
    /// ```
    pub fn replace_app_metadata(mut self, app_metadata: AppMetadata) -> Self {
        self.app = app_metadata;
        self.app_changed = true;
        self
    }

    /// Replaces `user_metadata` as a whole; see
    /// [`replace_app_metadata`](Self::replace_app_metadata).
    pub fn replace_user_metadata(mut self, user_metadata: UserMetadata) -> Self {
        self.user = user_metadata;
        self.user_changed = true;
        self
    }

    /// The `app_metadata` the user will have after this change.
    pub fn app_metadata(&self) -> &AppMetadata {
        &self.app
    }

    /// The `user_metadata` the user will have after this change.
    pub fn user_metadata(&self) -> &UserMetadata {
        &self.user
    }

    /// Whether any edit changed anything; an unchanged change answers 204.
    pub fn is_changed(&self) -> bool {
        self.app_changed || self.user_changed
    }

    /// Why this change cannot be answered, if an edit was misused.
    pub fn misuse(&self) -> Option<&str> {
        self.misuse.as_deref()
    }

    /// The JSON body this change answers with, or `None` when nothing changed.
    pub fn to_body(&self) -> Option<Value> {
        // Maps with string keys and JSON values always convert.
        self.body().and_then(|body| serde_json::to_value(body).ok())
    }

    /// The body as it is answered: only the edited objects, each complete; `None` when nothing
    /// changed.
    pub(crate) fn body(&self) -> Option<Body<'_>> {
        self.is_changed().then(|| Body {
            app_metadata: self.app_changed.then_some(&self.app),
            user_metadata: self.user_changed.then_some(&self.user),
        })
    }
}

/// The items, if every one is a string.
fn strings(items: Vec<Value>) -> Option<Vec<String>> {
    items
        .into_iter()
        .map(|item| match item {
            Value::String(text) => Some(text),
            _ => None,
        })
        .collect()
}
