//! A direct read of the client context's JSON, for the shape Netlify sends.
//!
//! Every handler that takes the client context pays for its decoding on each invocation, and
//! serde_json's reading of it into the typed context took a fifth of a small invocation's time. This reader walks the known keys itself and hands only what it does not
//! model (other claims, other `app_metadata` keys, a non-empty `user_metadata`) to serde_json,
//! value by value. It answers only when it is sure: for anything else (a key given twice, a
//! value of the wrong type, a number that is not a plain `i64`, anything that is not valid JSON)
//! it answers `None`, and the whole text is read by serde_json, which then gives the answer or
//! the error. The tests and the `context` fuzz target check that whenever this reader answers,
//! serde_json answers the same.

use std::borrow::Cow;

use serde_json::Map;

use super::{AdminToken, Claims, ClaimsFields, ClientContext, IdentityEndpoint};
use crate::metadata::AppMetadata;
use crate::scanner::{Scanner, once};
use crate::user_metadata::UserMetadata;

/// Reads the decoded `custom.netlify` JSON as serde_json's reading would, or `None` when
/// serde_json must.
pub(crate) fn client_context(json: &str) -> Option<ClientContext> {
    let mut s = Scanner::new(json);
    let mut identity = None;
    let mut user = None;
    s.object(|s, key| match &*key {
        "identity" => once(&mut identity, s.nullable(endpoint)?),
        "user" => once(&mut user, s.nullable(claims)?),
        // Other keys are ignored, as the derived reading ignores them.
        _ => s.skip_value(1),
    })?;
    s.at_end().then(|| ClientContext {
        identity: identity.flatten(),
        user: user.flatten(),
    })
}

/// Reads the `Lambda-Runtime-Client-Context` header's `custom.netlify` as serde_json's reading
/// would (`Some(None)` when it has none), or `None` when serde_json must.
pub(crate) fn header_netlify(json: &str) -> Option<Option<Cow<'_, str>>> {
    let mut s = Scanner::new(json);
    let mut custom = None;
    s.object(|s, key| match &*key {
        "custom" => once(
            &mut custom,
            s.nullable(|s| {
                let mut netlify = None;
                s.object(|s, key| match &*key {
                    "netlify" => once(&mut netlify, s.nullable(Scanner::string)?),
                    _ => s.skip_value(2),
                })?;
                Some(netlify.flatten())
            })?,
        ),
        _ => s.skip_value(1),
    })?;
    s.at_end().then(|| custom.flatten().flatten())
}

fn endpoint(s: &mut Scanner<'_>) -> Option<IdentityEndpoint> {
    let mut url = None;
    let mut token = None;
    s.object(|s, key| match &*key {
        "url" => once(&mut url, s.owned()?),
        "token" => once(&mut token, s.owned()?),
        _ => s.skip_value(2),
    })?;
    Some(IdentityEndpoint {
        url: url?,
        token: AdminToken::new(token?),
    })
}

fn claims(s: &mut Scanner<'_>) -> Option<Claims> {
    let mut f = ClaimsFields::default();
    s.object(|s, key| match &*key {
        "sub" => once(&mut f.sub, s.owned()?),
        "email" => once(&mut f.email, s.nullable(Scanner::owned)?),
        "exp" => once(&mut f.exp, s.nullable(integer)?),
        "aud" => once(&mut f.aud, s.nullable(Scanner::owned)?),
        "app_metadata" => once(&mut f.app_metadata, s.nullable(AppMetadata::scan)?),
        "user_metadata" => once(&mut f.user_metadata, s.nullable(user_metadata_object)?),
        _ => s.insert_new(&mut f.other, key, 3),
    })?;
    f.finish().ok()
}

/// The claims' `user_metadata`: `{}` as it usually comes, anything else read by serde_json.
fn user_metadata_object(s: &mut Scanner<'_>) -> Option<UserMetadata> {
    if s.peek()? == b'{' && s.bytes().get(s.i + 1) == Some(&b'}') {
        s.i += 2;
        return Some(UserMetadata::from(Map::new()));
    }
    s.by_serde(3)
}

/// An integer as serde_json reads one into an `i64`: the scanner's integer, in the type's range
/// (serde_json refuses a float, `-0` among them, and a `u64` above it).
fn integer(s: &mut Scanner<'_>) -> Option<i64> {
    s.whitespace();
    s.integer()?.as_i64()
}
