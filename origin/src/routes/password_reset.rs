//! Password reset by email: `POST /api/v1/auth/password-reset` sends a link to an account's
//! address, `POST /api/v1/auth/password-reset/confirm` sets the new password with the link's
//! token and signs the shopper in.
//!
//! The first answers the same whether or not the address has an account (202, at once; the
//! mail goes out in the background), so it tells nobody who shops here. It is limited per
//! client address like registration. The token is 256 random bits; only its SHA-256 is stored
//! (see `linkedall_store::password_resets`). Links point at the configured shop address, never
//! at the request's `Host`.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use linkedall_shared::Language;
use linkedall_shared::image_signature::base64url;
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::AppState;
use super::accounts::signed_in;
use crate::accounts::{Email, NewPassword};
use crate::client_address::ClientAddress;
use crate::error::Result;
use crate::mail::password_reset::{self, VALID_MINUTES};
use crate::session_cache::Principal;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    email: String,
    /// The language of the page it was asked from (`fr`), for the mail; English otherwise.
    #[serde(default)]
    language: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPasswordRequest {
    token: String,
    password: String,
}

/// `POST /api/v1/auth/password-reset` with `{"email": "ama@example.com", "language": "fr"}`.
pub async fn request(
    State(state): State<AppState>,
    ClientAddress(ip): ClientAddress,
    body: std::result::Result<Json<ResetRequest>, JsonRejection>,
) -> Result<Response> {
    state.login_limit.allow_costly(ip, "password-reset", || {
        metrics::counter!("password_resets_total", "outcome" => "rate_limited").increment(1);
    })?;
    let Json(asked) = body?;
    let email = Email::parse(&asked.email)?;
    let language = asked.language.as_deref().and_then(Language::parse).unwrap_or(Language::En);
    let token = new_token();
    let now = unix_now();
    let opened =
        state.store.open_password_reset(&email, &hash(&token), now, now + VALID_MINUTES * 60).await?;
    match opened {
        Some(opened) => {
            metrics::counter!("password_resets_total", "outcome" => "link_sent").increment(1);
            tracing::info!(target: "security", action = "password-reset", outcome = "success", user_id = opened.user_id, client_ip = %ip, "password reset link sent");
            let link = format!("{}/reset-password?token={token}", state.shop_url);
            let mail = password_reset::mail(email.as_str(), &link, language);
            let mailer = state.mailer.clone();
            // In the background: the answer takes as long for an unknown address as for a known one.
            tokio::spawn(async move {
                // A failure is counted and logged by the mailer; the shopper can ask again.
                let _ = mailer.send(&mail).await;
            });
        }
        None => {
            metrics::counter!("password_resets_total", "outcome" => "no_account").increment(1);
            tracing::info!(target: "security", action = "password-reset", outcome = "unknown", client_ip = %ip, "password reset asked for an address without an account");
        }
    }
    Ok((
        StatusCode::ACCEPTED,
        Json(serde_json::json!({
            "detail": "if this address has an account, a link to choose a new password is on its way; it works once, for 30 minutes"
        })),
    )
        .into_response())
}

/// `POST /api/v1/auth/password-reset/confirm` with `{"token": "…", "password": "…"}`: the new
/// password, every earlier session ended, and a new one begun (like signing in).
pub async fn confirm(
    State(state): State<AppState>,
    ClientAddress(ip): ClientAddress,
    body: std::result::Result<Json<NewPasswordRequest>, JsonRejection>,
) -> Result<Response> {
    let Json(asked) = body?;
    let password = NewPassword::parse(asked.password)?;
    let password_hash = state.passwords.hash(password).await?;
    let user = state.store.reset_password(&hash(asked.token.trim()), &password_hash, unix_now()).await?;
    // Cached records still carry the old `sessions_since`.
    state.session_cache.forget(&Principal::User(user.id)).await?;
    metrics::counter!("password_resets_total", "outcome" => "password_changed").increment(1);
    tracing::info!(target: "security", action = "password-reset", outcome = "success", user_id = user.id, client_ip = %ip, "password changed with a reset link; earlier sessions ended");
    signed_in(&state, user, StatusCode::OK)
}

/// 256 random bits, URL-safe.
fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64url(&bytes)
}

/// What the store keeps of a token.
fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}
