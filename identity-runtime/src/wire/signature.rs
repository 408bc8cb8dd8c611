//! Verifying GoTrue's `x-webhook-signature` (docs/protocol.md, "Signatures"): an HS256 JWT with
//! `iss: "gotrue"`, `iat`, and `sha256`, the hex SHA-256 of the exact body bytes.
//!
//! Verification is on when `IDENTITY_WEBHOOK_SECRET` is set, and off otherwise (hosted Netlify
//! Identity does not give site owners its signing secret). The JWT and HMAC work is
//! `jsonwebtoken`'s (HS256 only; `alg: none` and every other algorithm are refused), the body hash
//! `sha2`'s, and the comparison `subtle`'s constant-time equality.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
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

#[derive(Deserialize)]
struct SignatureClaims {
    iat: i64,
    sha256: String,
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
        // A crate elsewhere in the binary may enable jsonwebtoken's other backend, which leaves
        // the choice open; name ours (an error only means one is installed already).
        let _ = jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.install_default();
        // The header first: an algorithm jsonwebtoken does not know (`none`) fails to decode,
        // and is refused as an algorithm, not taken for missing claims.
        let header = jsonwebtoken::decode_header(token.trim()).map_err(|err| match err.kind() {
            ErrorKind::Json(_) => SignatureError::Algorithm,
            _ => SignatureError::Malformed,
        })?;
        if header.alg != Algorithm::HS256 {
            return Err(SignatureError::Algorithm);
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&["gotrue"]);
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.required_spec_claims = ["iss".to_owned()].into();
        let claims = jsonwebtoken::decode::<SignatureClaims>(
            token.trim(),
            &DecodingKey::from_secret(secret),
            &validation,
        )
        .map_err(|err| match err.kind() {
            ErrorKind::InvalidAlgorithm
            | ErrorKind::UnsupportedAlgorithm
            | ErrorKind::InvalidAlgorithmName => SignatureError::Algorithm,
            ErrorKind::InvalidSignature => SignatureError::Signature,
            ErrorKind::InvalidIssuer => SignatureError::Issuer,
            ErrorKind::MissingRequiredClaim(_) => SignatureError::Claim("iss"),
            ErrorKind::Json(_) => SignatureError::Claim("iat` or `sha256"),
            _ => SignatureError::Malformed,
        })?
        .claims;

        let digest = Sha256::digest(body);
        let expected = format!("{digest:x}");
        let given = claims.sha256.to_ascii_lowercase();
        if !bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
            return Err(SignatureError::BodyHash);
        }

        let now = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let iat = u64::try_from(claims.iat).map_err(|_| SignatureError::Claim("iat"))?;
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
