//! Password reset by email, through a real SMTP exchange with a test mail server: the link
//! arrives in the shopper's language and points at the configured shop, works once and only
//! before it expires, sets the new password, ends the sessions begun before it and signs the
//! shopper in; an address without an account gets the same answer and no mail.

use std::time::Duration;

use linkedall_origin::mail::Mailer;
use linkedall_origin::test_client::TestClient;
use linkedall_origin::test_smtp::{ReceivedMail, TestSmtp};
use linkedall_origin::testing::{TestDatabase, TestOptions, TestOrigin, number};
use linkedall_store::Backend;
use reqwest::StatusCode;
use serde_json::json;

const SHOP: &str = "https://shop.example";

struct Subject {
    origin: TestOrigin,
    smtp: TestSmtp,
}

async fn spawn(backend: Backend) -> Option<Subject> {
    let db = TestDatabase::new(backend).await?;
    let smtp = TestSmtp::start().await;
    let mailer = Mailer::smtp(&smtp.url(), "Linked All <no-reply@linkedall.africa>").expect("an SMTP URL");
    let options = TestOptions { mailer: Some((mailer, format!("{SHOP}/"))), ..TestOptions::default() };
    Some(Subject { origin: TestOrigin::spawn_with(db, options).await, smtp })
}

linkedall_origin::on_both_backends!(
    multi_thread: a_forgotten_password_is_reset_once_by_the_mailed_link_and_old_sessions_end,
    an_unknown_address_gets_the_same_answer_and_no_mail_and_a_bad_link_changes_nothing
);

/// The token of the reset link in `mail`.
fn token_in(mail: &ReceivedMail) -> String {
    let text = mail.text();
    let at = text.find(&format!("{SHOP}/reset-password?token=")).expect("a link to the shop");
    let rest = &text[at..];
    let link = rest.split_whitespace().next().unwrap();
    link.split_once("token=").unwrap().1.to_owned()
}

async fn a_forgotten_password_is_reset_once_by_the_mailed_link_and_old_sessions_end(subject: Subject) {
    let Subject { origin, smtp } = subject;
    let shopper = TestClient::shopper(&origin, "amina@example.com").await;
    assert_eq!(shopper.get("/api/v1/cart/items").await.0, StatusCode::OK, "signed in");
    let anonymous = TestClient::with_token(&origin, None);

    let (status, answer) = anonymous
        .post("/api/v1/auth/password-reset", json!({ "email": "Amina@Example.com", "language": "fr" }))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    let mails = smtp.wait_for(1, Duration::from_secs(20)).await;
    assert_eq!(mails.len(), 1, "one mail");
    assert_eq!(mails[0].to, ["amina@example.com"]);
    assert!(mails[0].data.contains("Subject: Choisissez un nouveau mot de passe"), "{}", mails[0].data);
    let token = token_in(&mails[0]);
    assert!(token.len() >= 43, "256 random bits: {token}");
    let stored = number(
        &origin.db.store,
        &format!("SELECT count(*) FROM password_resets WHERE token_hash = '{token}'"),
    )
    .await;
    assert_eq!(stored, 0, "only the token's hash is stored");

    // Session tokens count whole seconds: the reset happens in a later second than the sign-in.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let new_password = "a new and long password";
    let (status, short) = anonymous
        .post("/api/v1/auth/password-reset/confirm", json!({ "token": token, "password": "short" }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{short}");
    let (status, session) = anonymous
        .post("/api/v1/auth/password-reset/confirm", json!({ "token": token, "password": new_password }))
        .await;
    assert_eq!(status, StatusCode::OK, "a refused weak password did not use the link: {session}");
    let fresh = TestClient::with_token(&origin, session["token"].as_str());
    assert_eq!(fresh.get("/api/v1/cart/items").await.0, StatusCode::OK, "signed in with the new password");

    // The session begun before the reset has ended.
    let (status, problem) = shopper.get("/api/v1/cart/items").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");

    let (status, again) = anonymous
        .post(
            "/api/v1/auth/password-reset/confirm",
            json!({ "token": token, "password": "yet another password" }),
        )
        .await;
    assert_eq!(
        (status, again["type"].as_str()),
        (StatusCode::BAD_REQUEST, Some("/problems/reset-link-invalid"))
    );

    let login = |password: &'static str| {
        let anonymous = anonymous.clone();
        async move {
            anonymous
                .post("/api/v1/auth/login", json!({ "email": "amina@example.com", "password": password }))
                .await
                .0
        }
    };
    assert_eq!(login("correct horse battery").await, StatusCode::UNAUTHORIZED, "the old password is gone");
    assert_eq!(login(new_password).await, StatusCode::OK);
    let changed =
        number(&origin.db.store, "SELECT count(*) FROM outbox WHERE type = 'user.password_changed'").await;
    assert_eq!(changed, 1, "the change is an event");
}

async fn an_unknown_address_gets_the_same_answer_and_no_mail_and_a_bad_link_changes_nothing(
    subject: Subject,
) {
    let Subject { origin, smtp } = subject;
    let _shopper = TestClient::shopper(&origin, "kofi@example.com").await;
    let anonymous = TestClient::with_token(&origin, None);
    let (status, unknown) =
        anonymous.post("/api/v1/auth/password-reset", json!({ "email": "nobody@example.com" })).await;
    let (known_status, known) =
        anonymous.post("/api/v1/auth/password-reset", json!({ "email": "kofi@example.com" })).await;
    assert_eq!((status, &unknown), (known_status, &known), "the same answer either way");
    // Mail leaves in the background: the first is awaited before asking again, so the mails
    // arrive in the order their links were made.
    assert_eq!(smtp.wait_for(1, Duration::from_secs(20)).await.len(), 1);
    let (status, asked_again) =
        anonymous.post("/api/v1/auth/password-reset", json!({ "email": "kofi@example.com" })).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{asked_again}");
    let mails = smtp.wait_for(2, Duration::from_secs(20)).await;
    assert_eq!(mails.len(), 2, "two mails to kofi, none to nobody");
    assert!(mails.iter().all(|mail| mail.to == ["kofi@example.com"]));
    assert!(mails[0].data.contains("Subject: Choose a new password"), "English by default");

    // Asking again replaced the first link.
    let (first, second) = (token_in(&mails[0]), token_in(&mails[1]));
    let confirm = |token: String| {
        let anonymous = anonymous.clone();
        async move {
            anonymous
                .post(
                    "/api/v1/auth/password-reset/confirm",
                    json!({ "token": token, "password": "brand new password" }),
                )
                .await
                .0
        }
    };
    assert_eq!(confirm(first).await, StatusCode::BAD_REQUEST, "the replaced link");
    assert_eq!(confirm("not-a-token".into()).await, StatusCode::BAD_REQUEST);
    // An expired link: the clock moves past it in the database.
    linkedall_origin::testing::execute(&origin.db.store, "UPDATE password_resets SET expires_at = 0").await;
    assert_eq!(confirm(second).await, StatusCode::BAD_REQUEST, "the expired link");
    let (status, _) = anonymous
        .post(
            "/api/v1/auth/login",
            json!({ "email": "kofi@example.com", "password": "correct horse battery" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "the password did not change");
    let (status, problem) =
        anonymous.post("/api/v1/auth/password-reset", json!({ "email": "not an address" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
}
