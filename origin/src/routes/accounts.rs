//! Registration, sign-in and sign-out. A session is returned both as the cookie browsers keep
//! and in the body for API clients, which send it back as `Authorization: Bearer`.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use linkedall_events_schema::payloads::{UserLogin, UserLogout};
use linkedall_shared::{Market, ShippingZone};
use serde::{Deserialize, Serialize};

use super::AppState;
use crate::accounts::{Email, NewPassword, Role};
use crate::client_address::ClientAddress;
use crate::error::{Error, Result};
use crate::session::{CurrentUser, Session, SessionKeys};
use linkedall_store::accounts::{Keeps, NewShop};

#[derive(Deserialize)]
pub struct Registration {
    email: String,
    password: String,
    #[serde(default = "shopper")]
    role: Role,
    shop: Option<ShopRequest>,
}

fn shopper() -> Role {
    Role::Shopper
}

#[derive(Deserialize)]
pub struct ShopRequest {
    name: String,
    city: String,
    country: String,
    /// Where the shop delivers; its own country when not said.
    #[serde(default)]
    ships_to: ShippingZone,
}

#[derive(Deserialize)]
pub struct Credentials {
    email: String,
    password: String,
}

#[derive(Serialize)]
struct SessionBody {
    user_id: i64,
    role: Role,
    vendor_id: Option<i64>,
    /// The same token as the cookie, for API clients.
    token: String,
}

pub(super) fn signed_in(state: &AppState, user: CurrentUser, status: StatusCode) -> Result<Response> {
    let token = state.sessions.issue(&user)?;
    let cookie = SessionKeys::cookie(&token);
    let body =
        SessionBody { user_id: user.id, role: user.role, vendor_id: user.vendor_id.map(|v| v.get()), token };
    Ok((status, [(header::SET_COOKIE, cookie)], Json(body)).into_response())
}

/// `POST /api/v1/auth/register`: a shopper, or a vendor with the shop they open. Admin
/// accounts are not self-service. Limited per client address: each one costs a hash.
pub async fn register(
    State(state): State<AppState>,
    ClientAddress(ip): ClientAddress,
    body: std::result::Result<Json<Registration>, JsonRejection>,
) -> Result<Response> {
    state.login_limit.allow_costly(ip, "register", || {
        metrics::counter!("registrations_refused_total", "reason" => "rate_limited").increment(1);
    })?;
    let Json(registration) = body?;
    let email = Email::parse(&registration.email)?;
    let password = NewPassword::parse(registration.password)?;
    let shop = match (registration.role, registration.shop) {
        (Role::Admin, _) => return Err(Error::Forbidden("admin accounts are created by an admin".into())),
        (Role::Vendor, Some(shop)) => {
            let valid = |s: &str| !s.trim().is_empty() && s.chars().count() <= 120;
            if !valid(&shop.name) || !valid(&shop.city) {
                return Err(Error::InvalidParameter {
                    name: "shop",
                    message: "name and city are required".into(),
                });
            }
            let Some(market) = Market::find(&shop.country) else {
                return Err(Error::InvalidParameter {
                    name: "shop.country",
                    message: "expected the two-letter code of an African country we serve, such as NG".into(),
                });
            };
            Some(NewShop {
                name: shop.name.trim().into(),
                city: shop.city.trim().into(),
                country: market.country.into(),
                ships_to: shop.ships_to,
            })
        }
        (Role::Vendor, None) => {
            return Err(Error::InvalidParameter {
                name: "shop",
                message: "a vendor account opens a shop".into(),
            });
        }
        (Role::Shopper, _) => None,
    };
    let hash = state.passwords.hash(password).await?;
    let keeps = shop.as_ref().map_or(Keeps::NoShop, Keeps::NewShop);
    let user = state.store.create_account(&email, &hash, registration.role, keeps).await?;
    tracing::info!(user = user.id, role = user.role.as_str(), "account created");
    signed_in(&state, user, StatusCode::CREATED)
}

/// `POST /api/v1/auth/login`. An address that keeps failing is refused; an account that keeps
/// failing is only slowed, so nobody can lock its owner out (see `login_limit`).
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(ip): ClientAddress,
    body: std::result::Result<Json<Credentials>, JsonRejection>,
) -> Result<Response> {
    let Json(credentials) = body?;
    let email = Email::parse(&credentials.email)?;
    let delay = match state.login_limit.before_sign_in(email.as_str(), ip) {
        Ok(delay) => delay,
        Err(wait) => {
            metrics::counter!("logins_total", "outcome" => "rate_limited").increment(1);
            tracing::warn!(target: "security", action = "sign-in", outcome = "failure", client_ip = %ip, "sign-ins from this address rate limited");
            return Err(Error::TooManyAttempts { retry_after_secs: wait.as_secs().max(1) });
        }
    };
    if !delay.is_zero() {
        metrics::counter!("logins_slowed_total").increment(1);
        tracing::warn!(
            target: "security",
            action = "sign-in",
            client_ip = %ip,
            delay_ms = delay.as_millis() as u64,
            "sign-in slowed: the account is being guessed"
        );
        tokio::time::sleep(delay).await;
    }
    let account = state.store.account_by_email(&email).await?;
    let hash = account.as_ref().map(|a| a.password_hash.clone());
    let verified = state.passwords.verify(credentials.password, hash).await?;
    let Some(account) = account.filter(|_| verified) else {
        state.login_limit.failed(email.as_str(), ip);
        metrics::counter!("logins_total", "outcome" => "wrong_credentials").increment(1);
        tracing::warn!(target: "security", action = "sign-in", outcome = "failure", client_ip = %ip, "sign-in refused: wrong email or password");
        return Err(Error::WrongCredentials);
    };
    let user = account.user;
    state.store.record_session_event(UserLogin, user).await?;
    metrics::counter!("logins_total", "outcome" => "signed_in").increment(1);
    tracing::info!(target: "security", action = "sign-in", outcome = "success", user_id = user.id, client_ip = %ip, "signed in");
    signed_in(&state, user, StatusCode::OK)
}

/// `POST /api/v1/auth/logout`: revokes the token (a copy kept elsewhere stops working too)
/// and drops the cookie.
pub async fn logout(State(state): State<AppState>, session: Session) -> Result<Response> {
    session.revoke(&state.session_cache).await?;
    tracing::info!(target: "security", action = "sign-out", outcome = "success", user_id = session.user.id, "signed out; the session token is revoked");
    state.store.record_session_event(UserLogout, session.user).await?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, SessionKeys::expired_cookie())]).into_response())
}
