//! Signing in, registering (shoppers) and signing out. The form posts to the edge, the edge
//! posts JSON to the origin, and the origin's session cookie is passed straight back with a
//! `303` to where the shopper was going (`next`, a local path only).

use askama::Template;
use bytes::Bytes;
use http::Response;

use super::documents::{Credentials, Registration, Session};
use super::visit::{Failure, Visit, local_path};
use crate::account;
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
    /// "Selling? Open a shop", under the registration form.
    pub open_shop: &'static str,
}

impl AccountPage {
    fn new<H: Host>(visit: &Visit<'_, H>, registering: bool, message: Option<String>) -> Self {
        let words = visit.words();
        let next =
            local_path(visit.field("next").map(str::to_owned).or_else(|| visit.query("next")).as_deref());
        let (heading, action, button) = if registering {
            (words.create_account_heading, "/register", words.create_account)
        } else {
            (words.sign_in, "/login", words.sign_in)
        };
        AccountPage {
            layout: Layout::for_locale(format!("{heading} — Linked All"), &visit.locale),
            heading: heading.into(),
            action,
            button,
            password_autocomplete: if registering { "new-password" } else { "current-password" },
            registering,
            message,
            email: visit.field("email").unwrap_or_default().trim().to_owned(),
            next_query: encode(&next),
            next,
            open_shop: crate::vendor_words::VendorWords::of(visit.locale.language).open_shop_link,
        }
    }
}

/// The query parameter of the page a sign-in lands on first: it checks that the browser kept
/// the session cookie before going on to `next`.
const SIGNED_IN_CHECK: &str = "signed_in";

/// `GET /login`: the form; or, right after signing in ([`SIGNED_IN_CHECK`]), on to `next`
/// when the browser sent the new cookie back (bringing the lines the shopper put in their cart
/// before signing in, [`super::cart::adopt_guest_cart`]), else the form with the sentence that
/// says why the shopper is still signed out.
pub async fn show_login<H: Host>(
    visit: &Visit<'_, H>,
    message: Option<String>,
    status: u16,
) -> Response<Bytes> {
    if message.is_none() && visit.query(SIGNED_IN_CHECK).is_some() {
        if visit.account.is_some() {
            super::cart::adopt_guest_cart(visit).await;
            return visit.redirect(&local_path(visit.query("next").as_deref()));
        }
        metrics::counter!("edge_sign_in_cookie_refused_total").increment(1);
        let message = Some(visit.words().cookie_refused.to_owned());
        return visit.page(200, &AccountPage::new(visit, false, message));
    }
    visit.page(status, &AccountPage::new(visit, false, message))
}

pub fn show_register<H: Host>(visit: &Visit<'_, H>, message: Option<String>, status: u16) -> Response<Bytes> {
    visit.page(status, &AccountPage::new(visit, true, message))
}

/// After the origin opened a session: the edge remembers whose (for the header), and the
/// browser goes on to `next` by way of the cookie check.
pub(super) fn signed_in<H: Host>(visit: &Visit<'_, H>, session: &Session, next: &str) -> Response<Bytes> {
    if let (Some(user), Some(email)) = (session.user_id, visit.field("email")) {
        visit.set_cookie(&account::remember(&user.to_string(), email, visit.https));
    }
    visit.redirect(&format!("/login?{SIGNED_IN_CHECK}=1&next={}", encode(next)))
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
            signed_in(visit, &session, &next)
        }
        Err(Failure::SignIn) => show_login(visit, Some(visit.words().wrong_password.into()), 401).await,
        Err(Failure::Refused { status, message }) => show_login(visit, Some(message), status).await,
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
        Ok(session) => signed_in(visit, &session, &local_path(visit.field("next"))),
        Err(Failure::Refused { status: 429, message }) => show_register(visit, Some(message), 429),
        Err(Failure::Refused { status, .. }) => {
            show_register(visit, Some(visit.words().register_refused.into()), status)
        }
        Err(failure) => visit.fail(failure),
    }
}

/// `GET /logout`: a button that posts the sign-out. A link or an image on another site can
/// make the browser GET any address, so a GET signs nobody out.
#[derive(Template)]
#[template(path = "shop/logout.html")]
pub struct SignOutPage {
    pub layout: Layout,
    /// Someone is signed in: the page offers the button; otherwise it says they are out.
    pub signed_in: bool,
}

pub fn confirm_sign_out<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    let words = visit.words();
    let signed_in = visit.account.is_some();
    let title = if signed_in { words.sign_out } else { words.signed_out };
    let layout = Layout::for_locale(format!("{title} — Linked All"), &visit.locale);
    visit.page(200, &SignOutPage { layout, signed_in })
}

/// `POST /logout`: the origin expires the cookie and the edge forgets the account; back to
/// the home page either way.
pub async fn sign_out<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    let signed_out = visit.post_only("/api/v1/auth/logout").await;
    visit.set_cookie(&account::forget(visit.https));
    match signed_out {
        Ok(()) | Err(Failure::SignIn) => visit.redirect("/"),
        Err(failure) => visit.fail(failure),
    }
}
