//! Secrets: a production origin does not start with the development secrets written in the
//! source, and no secret is ever printed by `Debug` or `Display`.

use std::net::SocketAddr;
use std::process::Command;

use linkedall_origin::config::{AuthSettings, DEV_SESSION_SECRET, PaymentProviderKind, Settings};
use linkedall_origin::deployment::Environment;
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
    let demo = Settings::for_database("sqlite::memory:");
    let auth = AuthSettings::from_settings(&demo).expect("the demo starts without secrets");
    assert!(auth.uses_development_secrets());

    let on_postgres = Settings::for_database(UNREACHABLE_POSTGRES);
    let on_every_address =
        Settings { listen: SocketAddr::from(([0, 0, 0, 0], 0)), ..Settings::for_database("sqlite::memory:") };
    let declared =
        Settings { env: Some(Environment::Production), ..Settings::for_database("sqlite::memory:") };
    let with_the_public_defaults = Settings {
        session_secret: Some(Secret::new(DEV_SESSION_SECRET)),
        payment_webhook_secret: Some(Secret::new(" ")),
        ..Settings::for_database(UNREACHABLE_POSTGRES)
    };
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
    let short_with_paystack = Settings {
        session_secret: Some(Secret::new("too-short")),
        payment_provider: PaymentProviderKind::Paystack,
        ..Settings::for_database(UNREACHABLE_POSTGRES)
    };
    let message = refusal(&short_with_paystack).await;
    assert!(message.contains("LINKEDALL_SESSION_SECRET (at least 32 characters)"), "{message}");
    assert!(message.contains("LINKEDALL_PAYSTACK_SECRET_KEY"), "{message}");
    assert!(!message.contains("LINKEDALL_PAYMENT_WEBHOOK_SECRET"), "{message}");

    // The sandbox lets shoppers approve their own payments: an origin declared production
    // refuses it whatever its secrets; staging (production by its database) may use it.
    let declared_with_sandbox = Settings {
        env: Some(Environment::Production),
        session_secret: Some(Secret::random()),
        payment_webhook_secret: Some(Secret::random()),
        ..Settings::for_database(UNREACHABLE_POSTGRES)
    };
    let message = refusal(&declared_with_sandbox).await;
    assert!(message.contains("LINKEDALL_PAYMENT_PROVIDER=paystack"), "{message}");

    let real = Settings {
        session_secret: Some(Secret::random()),
        payment_webhook_secret: Some(Secret::random()),
        ..Settings::for_database(UNREACHABLE_POSTGRES)
    };
    let auth = AuthSettings::from_settings(&real).expect("real secrets are accepted");
    assert!(!auth.uses_development_secrets());
    assert_eq!(Some(&auth.session_secret), real.session_secret.as_ref());

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
    let settings = Settings {
        session_secret: Some(marker("session").into()),
        payment_webhook_secret: Some(marker("webhook").into()),
        paystack_secret_key: Some(marker("paystack").into()),
        supabase_jwt_secret: Some(marker("supabase").into()),
        supabase_issuer: Some("https://project.supabase.co/auth/v1".into()),
        admin_token: Some(marker("admin").into()),
        cloudflare_zone_id: Some("zone".into()),
        cloudflare_api_token: Some(marker("cloudflare").into()),
        s3_secret_access_key: Some(marker("s3").into()),
        payment_provider: PaymentProviderKind::Paystack,
        ..Settings::for_database("sqlite::memory:")
    };
    let auth = AuthSettings::from_settings(&settings).expect("every secret is set");
    let printed = [
        format!("{settings:?}"),
        format!("{settings:#?}"),
        format!("{auth:?}"),
        format!("{:?}", settings.cloudflare().expect("Cloudflare is configured")),
        format!("{:?}", settings.s3()),
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
