//! Supabase Auth tokens, accepted beside our own sessions because the marketplace signed its
//! shoppers in with Supabase before: a project's legacy HS256 tokens (signed with its JWT
//! secret) and its asymmetric RS256/ES256 tokens (verified against the project's JWKS).
//!
//! A verified token names a Supabase user (`sub`, a UUID) and usually their `email`; the
//! session layer maps it to a local account — found by the stored Supabase subject, or linked
//! by email, or created as a shopper on first sight. Audience must be `authenticated`, the
//! audience Supabase gives signed-in users, and the issuer the configured project's
//! (`https://<project>.supabase.co/auth/v1`): a token another project signed with the same
//! kind of key is refused.
//!
//! Whether the email is the user's own is what linking by email rests on: Supabase marks a
//! confirmed address with `user_metadata.email_verified: true` (set when the user confirms it,
//! or when an OAuth provider vouches for it); a top-level `email_verified` claim (as a custom
//! access token hook may add) counts too. The project must require email confirmation: with
//! auto-confirm on, Supabase marks every address verified without proof.

use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use tokio::sync::RwLock;

use crate::accounts::Email;
use crate::error::{Error, Result};
use crate::secret::Secret;

/// The audience of a signed-in Supabase user's access token.
pub const AUDIENCE: &str = "authenticated";

/// An unknown `kid` refetches the key set at most this often (a key rotation is picked up
/// at once; garbage `kid`s do not hammer Supabase).
const UNKNOWN_KID_REFETCH_AFTER: Duration = Duration::from_secs(30);

/// How Supabase tokens are checked: configured when either source of keys is.
#[derive(Debug, Clone, Default)]
pub struct SupabaseSettings {
    /// The project's JWT secret (HS256 tokens).
    pub jwt_secret: Option<Secret>,
    /// `https://<project>.supabase.co/auth/v1/.well-known/jwks.json` (RS256/ES256 tokens).
    pub jwks_url: Option<String>,
    /// The issuer accepted: `https://<project>.supabase.co/auth/v1`; derived from the JWKS
    /// URL when unset.
    pub issuer: Option<String>,
    /// How long fetched keys are used before fetching them again.
    pub jwks_refresh: Duration,
}

impl SupabaseSettings {
    pub fn is_configured(&self) -> bool {
        self.jwt_secret.is_some() || self.jwks_url.is_some()
    }

    /// The issuer tokens must carry: the configured one, else the project's auth URL the JWKS
    /// URL (`…/auth/v1/.well-known/jwks.json`) lives under.
    pub fn expected_issuer(&self) -> Option<String> {
        self.issuer.clone().or_else(|| {
            let url = self.jwks_url.as_deref()?;
            url.strip_suffix("/.well-known/jwks.json").map(str::to_owned)
        })
    }
}

/// A verified Supabase token.
#[derive(Debug, Clone)]
pub struct SupabaseIdentity {
    pub subject: uuid::Uuid,
    pub email: Option<Email>,
    /// Supabase says the user confirmed `email` is theirs.
    pub email_verified: bool,
    /// What revokes this token at sign-out: its `jti`, or its `session_id`.
    pub revocation_id: String,
    pub expires_at: u64,
}

#[derive(Deserialize)]
struct Claims {
    sub: String,
    email: Option<String>,
    exp: u64,
    jti: Option<String>,
    session_id: Option<String>,
    /// Added by a custom access token hook, when the project has one.
    email_verified: Option<bool>,
    #[serde(default)]
    user_metadata: UserMetadata,
    #[serde(default)]
    is_anonymous: bool,
}

#[derive(Deserialize, Default)]
struct UserMetadata {
    /// Set by Supabase when the user confirms their address (or the OAuth provider vouched).
    email_verified: Option<bool>,
}

/// Verifies Supabase tokens with the shared secret and/or the cached JWKS.
pub struct SupabaseVerifier {
    secret: Option<DecodingKey>,
    jwks: Option<KeySet>,
    issuer: String,
}

impl std::fmt::Debug for SupabaseVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SupabaseVerifier")
            .field("secret", &self.secret.is_some())
            .field("jwks_url", &self.jwks.as_ref().map(|k| &k.url))
            .field("issuer", &self.issuer)
            .finish()
    }
}

/// The project's public keys, fetched on first use and again after the refresh interval.
struct KeySet {
    url: String,
    refresh: Duration,
    http: reqwest::Client,
    fetched: RwLock<Option<(Instant, JwkSet)>>,
}

impl SupabaseVerifier {
    /// `None` when neither a secret nor a JWKS URL is configured; an error when the issuer
    /// is neither set nor derivable.
    pub fn new(settings: &SupabaseSettings) -> Result<Option<SupabaseVerifier>> {
        if !settings.is_configured() {
            return Ok(None);
        }
        let issuer = settings.expected_issuer().ok_or_else(|| {
            Error::Config(
                "Supabase tokens need their issuer: set LINKEDALL_SUPABASE_ISSUER to https://<project>.supabase.co/auth/v1"
                    .into(),
            )
        })?;
        let jwks = match &settings.jwks_url {
            Some(url) => Some(KeySet {
                url: url.clone(),
                refresh: settings.jwks_refresh,
                http: reqwest::Client::builder()
                    .timeout(Duration::from_secs(5))
                    .build()
                    .map_err(|e| Error::Config(format!("building the JWKS client: {e}")))?,
                fetched: RwLock::new(None),
            }),
            None => None,
        };
        Ok(Some(SupabaseVerifier {
            secret: settings.jwt_secret.as_ref().map(|s| DecodingKey::from_secret(s.expose().as_bytes())),
            jwks,
            issuer,
        }))
    }

    /// The identity in `token`, or 401. A key set that cannot be fetched is 503.
    pub async fn verify(&self, token: &str) -> Result<SupabaseIdentity> {
        let invalid = || Error::Unauthenticated("the session is invalid or has expired");
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid())?;
        let key = match (header.alg, &self.secret, &self.jwks) {
            (Algorithm::HS256, Some(secret), _) => secret.clone(),
            (Algorithm::RS256 | Algorithm::ES256, _, Some(jwks)) => {
                jwks.key(header.kid.as_deref().ok_or_else(invalid)?).await?.ok_or_else(invalid)?
            }
            _ => return Err(invalid()),
        };
        let mut validation = Validation::new(header.alg);
        validation.set_audience(&[AUDIENCE]);
        validation.set_issuer(&[&self.issuer]);
        validation.set_required_spec_claims(&["exp", "sub", "aud", "iss"]);
        let claims = jsonwebtoken::decode::<Claims>(token, &key, &validation).map_err(|_| invalid())?.claims;
        let subject = claims.sub.parse().map_err(|_| invalid())?;
        let revocation_id = claims
            .jti
            .or(claims.session_id)
            .unwrap_or_else(|| crate::idempotency::request_hash(token.as_bytes()));
        let email_verified = !claims.is_anonymous
            && (claims.email_verified == Some(true) || claims.user_metadata.email_verified == Some(true));
        Ok(SupabaseIdentity {
            subject,
            email: claims.email.as_deref().and_then(|e| Email::parse(e).ok()),
            email_verified,
            revocation_id,
            expires_at: claims.exp,
        })
    }
}

impl KeySet {
    /// The key named `kid`, from the cached set, fetching it when stale or when the `kid` is
    /// new to us (a rotation).
    async fn key(&self, kid: &str) -> Result<Option<DecodingKey>> {
        {
            let fetched = self.fetched.read().await;
            if let Some((at, set)) = fetched.as_ref() {
                let fresh = at.elapsed() < self.refresh;
                match set.find(kid) {
                    Some(jwk) if fresh => return Ok(DecodingKey::from_jwk(jwk).ok()),
                    None if fresh && at.elapsed() < UNKNOWN_KID_REFETCH_AFTER => return Ok(None),
                    _ => {}
                }
            }
        }
        let mut fetched = self.fetched.write().await;
        // Another request may have fetched while we waited for the lock.
        let stale = fetched.as_ref().is_none_or(|(at, set)| {
            at.elapsed() >= self.refresh
                || (set.find(kid).is_none() && at.elapsed() >= UNKNOWN_KID_REFETCH_AFTER)
        });
        if stale {
            let set = self.fetch().await?;
            tracing::info!(url = %self.url, keys = set.keys.len(), "fetched the Supabase key set");
            *fetched = Some((Instant::now(), set));
        }
        Ok(fetched
            .as_ref()
            .and_then(|(_, set)| set.find(kid))
            .and_then(|jwk| DecodingKey::from_jwk(jwk).ok()))
    }

    async fn fetch(&self) -> Result<JwkSet> {
        let fail = |e: reqwest::Error| Error::KeySet(format!("{}: {e}", self.url));
        self.http
            .get(&self.url)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(fail)?
            .json()
            .await
            .map_err(fail)
    }
}
