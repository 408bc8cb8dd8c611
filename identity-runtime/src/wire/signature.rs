//! Verifying GoTrue's `x-webhook-signature` (docs/protocol.md, "Signatures"): an HS256 JWT with
//! `iss: "gotrue"`, `iat`, and `sha256`, the hex SHA-256 of the exact body bytes.
//!
//! On when `IDENTITY_WEBHOOK_SECRET` is set (hosted Netlify Identity keeps its secret). Only
//! HS256 is taken, so the JWT's rules are spelt out rather than brought in with a JWT crate and
//! its RSA and elliptic-curve dependencies: three base64url parts, `alg` exactly `HS256`, an
//! HMAC-SHA256 (`hmac`, `sha2`) checked in constant time, then the claims and the body's hash.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The environment variable holding the signing secret; setting it turns verification on.
pub const SECRET_ENV: &str = "IDENTITY_WEBHOOK_SECRET";
/// How old (seconds) a signature's `iat` may be; default 300.
pub const MAX_AGE_ENV: &str = "IDENTITY_WEBHOOK_MAX_AGE_SECONDS";
/// Clock-skew leeway (seconds) on both sides of the window; default 30.
pub const LEEWAY_ENV: &str = "IDENTITY_WEBHOOK_LEEWAY_SECONDS";

/// The header GoTrue signs with.
pub const SIGNATURE_HEADER: &str = "x-webhook-signature";

/// How invocations are authenticated: off, or HS256 signatures with a secret and a time window.
///
/// `Debug` never shows the secret.
///
/// ```
/// use std::time::Duration;
/// use identity_runtime::Verification;
///
/// let verification = Verification::hs256("s3cret").max_age(Duration::from_secs(60));
/// assert!(verification.is_on());
/// assert!(!format!("{verification:?}").contains("s3cret"));
/// assert!(!Verification::off().is_on());
/// ```
#[derive(Clone)]
pub struct Verification {
    secret: Option<Vec<u8>>,
    max_age: Duration,
    leeway: Duration,
}

impl fmt::Debug for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verification")
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("max_age", &self.max_age)
            .field("leeway", &self.leeway)
            .finish()
    }
}

/// A configuration in the environment that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name} must be a whole number of seconds, found `{value}`")]
pub struct ConfigError {
    name: &'static str,
    value: String,
}

/// Why a signature was refused. The message never holds the secret or the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// No `x-webhook-signature` header.
    #[error("the request has no x-webhook-signature header, and signature verification is on")]
    Missing,
    /// The token is not a JWT, or its parts do not decode.
    #[error("the x-webhook-signature is not a well-formed JWT")]
    Malformed,
    /// The token's algorithm is not HS256 (`none` included).
    #[error("the x-webhook-signature uses an algorithm other than HS256")]
    Algorithm,
    /// The HMAC does not verify with the configured secret.
    #[error("the x-webhook-signature does not verify with the configured secret")]
    Signature,
    /// A required claim is missing or of the wrong type.
    #[error("the x-webhook-signature has no valid `{0}` claim")]
    Claim(&'static str),
    /// `iss` is not `gotrue`.
    #[error("the x-webhook-signature's issuer is not `gotrue`")]
    Issuer,
    /// The `sha256` claim is not the hash of this body.
    #[error("the x-webhook-signature was made for another body (sha256 mismatch)")]
    BodyHash,
    /// `iat` is older than the window allows.
    #[error("the x-webhook-signature was issued {age} s ago, more than the {limit} s allowed")]
    Expired {
        /// Seconds since `iat`.
        age: u64,
        /// The allowed age, leeway included.
        limit: u64,
    },
    /// `iat` is in the future beyond the leeway.
    #[error("the x-webhook-signature was issued {ahead} s in the future")]
    FromTheFuture {
        /// Seconds ahead of this clock.
        ahead: u64,
    },
}

/// The JWT header: only `alg` is read.
#[derive(Deserialize)]
struct JwtHeader {
    alg: String,
}

/// The claims GoTrue signs, each checked for its type apart so that the error names it.
#[derive(Deserialize)]
struct SignatureClaims {
    #[serde(default)]
    iss: Option<Value>,
    #[serde(default)]
    iat: Option<Value>,
    #[serde(default)]
    sha256: Option<Value>,
}

impl Verification {
    /// No verification.
    pub fn off() -> Verification {
        Verification {
            secret: None,
            max_age: Duration::from_secs(300),
            leeway: Duration::from_secs(30),
        }
    }

    /// HS256 verification with `secret`, a 300 s window and 30 s of leeway.
    pub fn hs256(secret: impl AsRef<[u8]>) -> Verification {
        Verification {
            secret: Some(secret.as_ref().to_vec()),
            ..Verification::off()
        }
    }

    /// How old a signature may be.
    pub fn max_age(mut self, max_age: Duration) -> Verification {
        self.max_age = max_age;
        self
    }

    /// Clock-skew leeway, added to the window on both sides.
    pub fn leeway(mut self, leeway: Duration) -> Verification {
        self.leeway = leeway;
        self
    }

    /// Whether invocations must be signed.
    pub fn is_on(&self) -> bool {
        self.secret.is_some()
    }

    /// Reads [`SECRET_ENV`], [`MAX_AGE_ENV`] and [`LEEWAY_ENV`]. An empty secret counts as unset.
    ///
    /// # Errors
    /// When a duration variable is not a whole number of seconds.
    pub fn from_env() -> Result<Verification, ConfigError> {
        let seconds = |name: &'static str, default: u64| match std::env::var(name) {
            Ok(value) => value
                .trim()
                .parse::<u64>()
                .map(Duration::from_secs)
                .map_err(|_| ConfigError { name, value }),
            Err(_) => Ok(Duration::from_secs(default)),
        };
        let secret = std::env::var_os(SECRET_ENV)
            .filter(|secret| !secret.is_empty())
            .map(|secret| secret.into_encoded_bytes());
        Ok(Verification {
            secret,
            max_age: seconds(MAX_AGE_ENV, 300)?,
            leeway: seconds(LEEWAY_ENV, 30)?,
        })
    }

    /// Checks `token` against the exact `body` bytes at time `now`. `Ok` when verification is off.
    pub(crate) fn verify(
        &self,
        token: Option<&str>,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), SignatureError> {
        let Some(secret) = &self.secret else {
            return Ok(());
        };
        let token = token.ok_or(SignatureError::Missing)?;
        let mut parts = token.trim().split('.');
        let (Some(header), Some(claims), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(SignatureError::Malformed);
        };
        let decode = |part: &str| {
            URL_SAFE_NO_PAD
                .decode(part)
                .map_err(|_| SignatureError::Malformed)
        };
        // The algorithm first: a token that names another is refused as such, whatever else.
        let jwt_header: JwtHeader =
            serde_json::from_slice(&decode(header)?).map_err(|_| SignatureError::Malformed)?;
        if jwt_header.alg != "HS256" {
            return Err(SignatureError::Algorithm);
        }
        let mut mac =
            Hmac::<Sha256>::new_from_slice(secret).map_err(|_| SignatureError::Signature)?;
        mac.update(header.as_bytes());
        mac.update(b".");
        mac.update(claims.as_bytes());
        mac.verify_slice(&decode(signature)?)
            .map_err(|_| SignatureError::Signature)?;
        let claims: SignatureClaims =
            serde_json::from_slice(&decode(claims)?).map_err(|_| SignatureError::Malformed)?;
        match claims.iss {
            Some(Value::String(iss)) if iss == "gotrue" => {}
            Some(Value::String(_)) => return Err(SignatureError::Issuer),
            _ => return Err(SignatureError::Claim("iss")),
        }
        let iat = claims
            .iat
            .as_ref()
            .and_then(Value::as_i64)
            .ok_or(SignatureError::Claim("iat"))?;
        let sha256 = match &claims.sha256 {
            Some(Value::String(sha256)) => sha256,
            _ => return Err(SignatureError::Claim("sha256")),
        };

        let digest = Sha256::digest(body);
        let expected = format!("{digest:x}");
        let given = sha256.to_ascii_lowercase();
        if !bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
            return Err(SignatureError::BodyHash);
        }

        let now = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let iat = u64::try_from(iat).map_err(|_| SignatureError::Claim("iat"))?;
        let leeway = self.leeway.as_secs();
        if iat > now.saturating_add(leeway) {
            return Err(SignatureError::FromTheFuture { ahead: iat - now });
        }
        let limit = self.max_age.as_secs().saturating_add(leeway);
        let age = now.saturating_sub(iat);
        if age > limit {
            return Err(SignatureError::Expired { age, limit });
        }
        Ok(())
    }
}
