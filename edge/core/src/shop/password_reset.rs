//! "Forgot your password?": the form that asks the origin to mail a reset link
//! (`/forgot-password`), and the page the link opens, where the shopper chooses a new password
//! and is signed in (`/reset-password?token=…`). The origin says the same whether or not the
//! address has an account, and so does this page.

use askama::Template;
use bytes::Bytes;
use http::Response;
use serde::Serialize;

use super::documents::Session;
use super::login::signed_in;
use super::visit::{Failure, Visit};
use crate::host::Host;
use crate::pages::Layout;

#[derive(Serialize)]
struct ResetRequest<'a> {
    email: &'a str,
    language: &'static str,
}

#[derive(Serialize)]
struct NewPassword<'a> {
    token: &'a str,
    password: &'a str,
}

/// Both forms: asking for a link, and choosing the new password (`token` set).
#[derive(Template)]
#[template(path = "shop/password_reset.html")]
pub struct PasswordResetPage {
    pub layout: Layout,
    pub heading: &'static str,
    /// The link's token: the new-password form; `None`: the form asking for a link.
    pub token: Option<String>,
    pub email: String,
    pub message: Option<String>,
    /// The link went out (as far as anyone may know): the sentence replaces the form.
    pub sent: bool,
    /// The link is no good any more: the page offers to ask for a new one.
    pub link_invalid: bool,
}

fn page<H: Host>(visit: &Visit<'_, H>, token: Option<String>) -> PasswordResetPage {
    let words = visit.words();
    let heading = if token.is_some() { words.new_password_heading } else { words.forgot_heading };
    PasswordResetPage {
        layout: Layout::for_locale(format!("{heading} — Linked All"), &visit.locale),
        heading,
        token,
        email: visit.field("email").unwrap_or_default().trim().to_owned(),
        message: None,
        sent: false,
        link_invalid: false,
    }
}

/// `GET /forgot-password`
pub fn ask<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    visit.page(200, &page(visit, None))
}

/// `POST /forgot-password`: the same sentence whether or not the address has an account.
pub async fn send_link<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    let request = ResetRequest {
        email: visit.field("email").unwrap_or_default().trim(),
        language: visit.locale.language.tag(),
    };
    let mut shown = page(visit, None);
    match visit.post::<serde_json::Value>("/api/v1/auth/password-reset", Some(&request), None).await {
        Ok(_) => {
            metrics::counter!("edge_password_reset_links_total", "outcome" => "asked").increment(1);
            shown.sent = true;
            shown.message = Some(visit.words().link_sent.into());
            visit.page(202, &shown)
        }
        Err(Failure::Refused { status, message }) => {
            shown.message = Some(message);
            visit.page(status, &shown)
        }
        Err(failure) => visit.fail(failure),
    }
}

/// `GET /reset-password?token=…`: the new-password form; without a token, the form asking
/// for a link.
pub fn choose<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    let token = visit.query("token").filter(|token| !token.trim().is_empty());
    visit.page(200, &page(visit, token))
}

/// `POST /reset-password`: the new password; signed in and home on success.
pub async fn save<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    let token = visit.field("token").unwrap_or_default().trim().to_owned();
    let body = NewPassword { token: &token, password: visit.field("password").unwrap_or_default() };
    match visit.post::<Session>("/api/v1/auth/password-reset/confirm", Some(&body), None).await {
        Ok(session) => {
            metrics::counter!("edge_password_reset_links_total", "outcome" => "password_changed")
                .increment(1);
            signed_in(visit, &session, "/")
        }
        Err(Failure::Refused { status, message }) => {
            let mut shown = page(visit, Some(token));
            shown.link_invalid = message == visit.words().reset_link_invalid;
            shown.message = Some(message);
            visit.page(status, &shown)
        }
        Err(failure) => visit.fail(failure),
    }
}
