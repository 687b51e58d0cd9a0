//! Secrets: a production origin does not start with the development secrets written in the
//! source, and no secret is ever printed by `Debug` or `Display`.

use std::process::Command;

use linkedall_origin::config::{AuthSettings, DEV_SESSION_SECRET, Settings};
use linkedall_origin::secret::Secret;
use linkedall_origin::{Error, Origin};

/// A PostgreSQL URL nothing listens on: an origin that tried to connect would fail otherwise.
const UNREACHABLE_POSTGRES: &str = "postgres://nobody@127.0.0.1:1/none";

/// The configuration error `settings` are refused with.
async fn refusal(settings: &Settings) -> String {
    let from_settings = match AuthSettings::from_settings(settings) {
        Err(Error::Config(message)) => message,
        other => panic!("expected a configuration error, got {other:?}"),
    };
    match Origin::build(settings).await {
        Err(Error::Config(message)) => assert_eq!(message, from_settings, "refused before the database"),
        Err(other) => panic!("expected the same configuration error, got {other}"),
        Ok(_) => panic!("a production origin without secrets was built"),
    }
    from_settings
}

#[tokio::test]
async fn production_refuses_to_start_without_secrets() {
    let parse = |args: &[&str]| Settings::parse_args(args).expect("valid flags");
    let demo = parse(&["--database-url", "sqlite::memory:"]);
    let auth = AuthSettings::from_settings(&demo).expect("the demo starts without secrets");
    assert!(auth.uses_development_secrets());

    let on_postgres = parse(&["--database-url", UNREACHABLE_POSTGRES]);
    let on_every_address = parse(&["--database-url", "sqlite::memory:", "--origin-listen", "0.0.0.0:0"]);
    let declared = parse(&["--database-url", "sqlite::memory:", "--env", "production"]);
    let with_the_public_defaults = parse(&[
        "--database-url",
        UNREACHABLE_POSTGRES,
        "--session-secret",
        DEV_SESSION_SECRET,
        "--payment-webhook-secret",
        " ",
    ]);
    for (why, settings) in [
        ("PostgreSQL", &on_postgres),
        ("not loopback", &on_every_address),
        ("LINKEDALL_ENV=production", &declared),
        ("the public defaults, given", &with_the_public_defaults),
    ] {
        let message = refusal(settings).await;
        for name in ["LINKEDALL_SESSION_SECRET", "LINKEDALL_PAYMENT_WEBHOOK_SECRET"] {
            assert!(message.contains(name), "{why}: {name} is not named in: {message}");
        }
    }

    // A short session secret is not a real one; with Paystack, its key replaces the webhook's.
    let short_with_paystack = parse(&[
        "--database-url",
        UNREACHABLE_POSTGRES,
        "--session-secret",
        "too-short",
        "--payment-provider",
        "paystack",
    ]);
    let message = refusal(&short_with_paystack).await;
    assert!(message.contains("LINKEDALL_SESSION_SECRET (at least 32 characters)"), "{message}");
    assert!(message.contains("LINKEDALL_PAYSTACK_SECRET_KEY"), "{message}");
    assert!(!message.contains("LINKEDALL_PAYMENT_WEBHOOK_SECRET"), "{message}");

    // The sandbox lets shoppers approve their own payments: an origin declared production
    // refuses it whatever its secrets; staging (production by its database) may use it.
    let (session, webhook) = (Secret::random(), Secret::random());
    let declared_with_sandbox = parse(&[
        "--database-url",
        UNREACHABLE_POSTGRES,
        "--env",
        "production",
        "--session-secret",
        session.expose(),
        "--payment-webhook-secret",
        webhook.expose(),
    ]);
    let message = refusal(&declared_with_sandbox).await;
    assert!(message.contains("LINKEDALL_PAYMENT_PROVIDER=paystack"), "{message}");

    let real = parse(&[
        "--database-url",
        UNREACHABLE_POSTGRES,
        "--session-secret",
        session.expose(),
        "--payment-webhook-secret",
        webhook.expose(),
    ]);
    let auth = AuthSettings::from_settings(&real).expect("real secrets are accepted");
    assert!(!auth.uses_development_secrets());
    assert_eq!(Some(&auth.session_secret), real.auth.session_secret.as_ref());
    assert!(!format!("{real:?}").contains(session.expose()), "Debug of the settings prints no secret");

    // The binary itself exits, naming both, before it connects anywhere.
    let output = Command::new(env!("CARGO_BIN_EXE_linkedall-origin"))
        .args(["--database-url", UNREACHABLE_POSTGRES, "--origin-listen", "127.0.0.1:0"])
        .env_remove("LINKEDALL_SESSION_SECRET")
        .env_remove("LINKEDALL_PAYMENT_WEBHOOK_SECRET")
        .env_remove("LINKEDALL_ENV")
        .env_remove("LINKEDALL_PAYMENT_PROVIDER")
        .output()
        .expect("the origin binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "it started: {stderr}");
    for name in ["LINKEDALL_SESSION_SECRET", "LINKEDALL_PAYMENT_WEBHOOK_SECRET"] {
        assert!(stderr.contains(name), "{name} is not named in: {stderr}");
    }
}

#[test]
fn secrets_never_print_in_debug() {
    let marker = |name: &str| format!("{name}-value-that-must-not-leak-0123456789abcdef");
    let names = ["session", "webhook", "paystack", "supabase", "admin", "cloudflare", "s3"];
    let (session, webhook, paystack, supabase, admin, cloudflare, s3) = (
        marker("session"),
        marker("webhook"),
        marker("paystack"),
        marker("supabase"),
        marker("admin"),
        marker("cloudflare"),
        marker("s3"),
    );
    let settings = Settings::parse_args([
        "--database-url",
        "sqlite::memory:",
        "--session-secret",
        &session,
        "--payment-webhook-secret",
        &webhook,
        "--paystack-secret-key",
        &paystack,
        "--supabase-jwt-secret",
        &supabase,
        "--supabase-issuer",
        "https://project.supabase.co/auth/v1",
        "--admin-token",
        &admin,
        "--cloudflare-zone-id",
        "zone",
        "--cloudflare-api-token",
        &cloudflare,
        "--s3-secret-access-key",
        &s3,
        "--payment-provider",
        "paystack",
    ])
    .expect("valid flags");
    let auth = AuthSettings::from_settings(&settings).expect("every secret is set");
    let printed = [
        format!("{settings:?}"),
        format!("{settings:#?}"),
        format!("{auth:?}"),
        format!("{:?}", settings.cloudflare.settings().expect("Cloudflare is configured")),
        format!("{:?}", settings.media.s3()),
    ];
    for text in &printed {
        for name in names {
            assert!(!text.contains(&marker(name)), "the {name} secret printed in: {text}");
        }
    }
    assert!(printed[0].contains("[redacted]"), "{}", printed[0]);
    let secret = Secret::new(marker("session"));
    assert_eq!((format!("{secret}"), format!("{secret:?}")), ("[redacted]".into(), "[redacted]".into()));
    assert_eq!(secret.expose(), marker("session"), "only expose() reads it");
}
