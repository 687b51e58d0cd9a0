//! Signing in, registering (shoppers) and signing out. The form posts to the edge, the edge
//! posts JSON to the origin, and the origin's session cookie is passed straight back with a
//! `303` to where the shopper was going (`next`, a local path only).

use askama::Template;
use bytes::Bytes;
use http::Response;

use super::documents::{Credentials, Registration, Session};
use super::visit::{Failure, Visit, local_path};
use crate::host::Host;
use crate::origin::encode;
use crate::pages::Layout;

/// The login and the registration form (one template: they differ in wording only).
#[derive(Template)]
#[template(path = "shop/login.html")]
pub struct AccountPage {
    pub layout: Layout,
    pub heading: String,
    pub action: &'static str,
    pub button: &'static str,
    pub password_autocomplete: &'static str,
    pub registering: bool,
    pub message: Option<String>,
    pub email: String,
    pub next: String,
    /// `next`, encoded for the link to the other form.
    pub next_query: String,
}

impl AccountPage {
    fn new<H: Host>(visit: &Visit<'_, H>, registering: bool, message: Option<String>) -> Self {
        let next =
            local_path(visit.field("next").map(str::to_owned).or_else(|| visit.query("next")).as_deref());
        let (heading, action, button) = if registering {
            ("Create your account", "/register", "Create account")
        } else {
            ("Sign in", "/login", "Sign in")
        };
        AccountPage {
            layout: Layout::new(format!("{heading} — Linked All"), visit.country),
            heading: heading.into(),
            action,
            button,
            password_autocomplete: if registering { "new-password" } else { "current-password" },
            registering,
            message,
            email: visit.field("email").unwrap_or_default().trim().to_owned(),
            next_query: encode(&next),
            next,
        }
    }
}

pub fn show_login<H: Host>(visit: &Visit<'_, H>, message: Option<String>, status: u16) -> Response<Bytes> {
    visit.page(status, &AccountPage::new(visit, false, message))
}

pub fn show_register<H: Host>(visit: &Visit<'_, H>, message: Option<String>, status: u16) -> Response<Bytes> {
    visit.page(status, &AccountPage::new(visit, true, message))
}

/// `POST /login`: wrong credentials or the rate limit show the form again with the origin's
/// message; success follows `next` (vendors land on their dashboard by default).
pub async fn sign_in<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    let credentials = Credentials {
        email: visit.field("email").unwrap_or_default(),
        password: visit.field("password").unwrap_or_default(),
    };
    match visit.post::<Session>("/api/v1/auth/login", Some(&credentials), None).await {
        Ok(session) => {
            let next = local_path(visit.field("next"));
            let next = if next == "/" && session.role == "vendor" { "/vendor".to_owned() } else { next };
            visit.redirect(&next)
        }
        Err(Failure::SignIn) => {
            show_login(visit, Some("That email and password do not match an account.".into()), 401)
        }
        Err(Failure::Refused { status, message }) => show_login(visit, Some(message), status),
        Err(broken) => visit.fail(broken),
    }
}

/// `POST /register`: a shopper account, signed in at once.
pub async fn register<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    let registration = Registration {
        email: visit.field("email").unwrap_or_default(),
        password: visit.field("password").unwrap_or_default(),
        role: "shopper",
    };
    match visit.post::<Session>("/api/v1/auth/register", Some(&registration), None).await {
        Ok(_) => visit.redirect(&local_path(visit.field("next"))),
        Err(Failure::Refused { status, message }) => show_register(visit, Some(message), status),
        Err(failure) => visit.fail(failure),
    }
}

/// `GET /logout`: a button that posts the sign-out. A link or an image on another site can
/// make the browser GET any address, so a GET signs nobody out.
#[derive(Template)]
#[template(path = "shop/logout.html")]
pub struct SignOutPage {
    pub layout: Layout,
}

pub fn confirm_sign_out<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    visit.page(200, &SignOutPage { layout: Layout::new("Sign out — Linked All", visit.country) })
}

/// `POST /logout`: the origin expires the cookie; back to the home page either way.
pub async fn sign_out<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    match visit.post_only("/api/v1/auth/logout").await {
        Ok(()) | Err(Failure::SignIn) => visit.redirect("/"),
        Err(failure) => visit.fail(failure),
    }
}
