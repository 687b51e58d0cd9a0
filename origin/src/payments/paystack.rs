//! Paystack over HTTPS: `POST /transaction/initialize` starts a charge and hands back the
//! checkout page the shopper is sent to, `POST /refund` asks for money back. Both are
//! authenticated with the secret key as a bearer token, and the same key signs Paystack's
//! webhooks (checked by [`PaystackProvider::verify_signature`]).
//!
//! Paystack answers `{"status": true|false, "message": "...", "data": {...}}`. A non-2xx
//! answer, `"status": false`, a body we cannot read, or no answer within the configured time
//! is [`Error::PaymentProvider`]: a 502 problem for the shopper, Paystack's own message in
//! the log.

use std::time::Duration;

use linkedall_shared::{Money, PaymentMethod};
use reqwest::{Client, StatusCode, Url};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::{BoxFuture, PaymentProvider, PaymentSession, signature_matches};
use crate::accounts::Email;
use crate::error::{Error, Result};

/// How long connecting to Paystack may take, at most (the whole request has its own limit).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Where Paystack is and how to authenticate to it.
#[derive(Clone)]
pub struct PaystackSettings {
    /// The API base, `https://api.paystack.co` in production; tests point it at a local fake.
    pub base_url: String,
    /// `sk_live_…` / `sk_test_…`: authenticates our calls and signs Paystack's webhooks.
    pub secret_key: String,
    /// How long one call to Paystack may take before the charge or refund fails.
    pub timeout: Duration,
}

impl std::fmt::Debug for PaystackSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaystackSettings")
            .field("base_url", &self.base_url)
            .field("secret_key", &"<redacted>")
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// The Paystack payment provider.
pub struct PaystackProvider {
    client: Client,
    base_url: Url,
    secret_key: String,
}

impl PaystackProvider {
    /// Checks the settings (an absolute base URL, a secret key) and builds the HTTP client.
    pub fn new(settings: &PaystackSettings) -> Result<PaystackProvider> {
        if settings.secret_key.trim().is_empty() {
            return Err(Error::Config(
                "the Paystack provider needs LINKEDALL_PAYSTACK_SECRET_KEY (the secret key, sk_…)".into(),
            ));
        }
        // A trailing slash makes `join` append to the base's path instead of replacing its
        // last segment (a base of `http://host/paystack` keeps its `/paystack`).
        let base = format!("{}/", settings.base_url.trim_end_matches('/'));
        let base_url = Url::parse(&base)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https"))
            .ok_or_else(|| {
                Error::Config(format!(
                    "LINKEDALL_PAYSTACK_BASE_URL `{}` is not an http(s) URL",
                    settings.base_url
                ))
            })?;
        let client = Client::builder()
            .connect_timeout(CONNECT_TIMEOUT.min(settings.timeout))
            .timeout(settings.timeout)
            .build()
            .map_err(|e| Error::Config(format!("the Paystack HTTP client could not be built: {e}")))?;
        Ok(PaystackProvider { client, base_url, secret_key: settings.secret_key.trim().to_owned() })
    }

    /// POSTs `body` to `path` and returns the answer's `data`, or why there is none.
    async fn call<T: DeserializeOwned>(&self, operation: &'static str, path: &str, body: Value) -> Result<T> {
        let result = self.send(operation, path, body).await;
        let outcome = if result.is_ok() { "ok" } else { "error" };
        metrics::counter!("payment_provider_requests_total", "provider" => "paystack", "operation" => operation, "outcome" => outcome)
            .increment(1);
        result
    }

    async fn send<T: DeserializeOwned>(&self, operation: &'static str, path: &str, body: Value) -> Result<T> {
        let failed = |why: String| Error::PaymentProvider(format!("Paystack {operation}: {why}"));
        let url = self.base_url.join(path).map_err(|e| failed(format!("bad URL for {path}: {e}")))?;
        let response = self
            .client
            .post(url)
            .bearer_auth(&self.secret_key)
            .json(&body)
            .send()
            .await
            .map_err(|e| failed(format!("no answer: {e}")))?;
        let http = response.status();
        let bytes = response.bytes().await.map_err(|e| failed(format!("answer unreadable: {e}")))?;
        let answer: Answer<T> = match serde_json::from_slice(&bytes) {
            Ok(answer) => answer,
            Err(_) if !http.is_success() => return Err(failed(format!("HTTP {http}: {}", excerpt(&bytes)))),
            Err(e) => return Err(failed(format!("unexpected answer ({e}): {}", excerpt(&bytes)))),
        };
        match answer {
            Answer { status: true, data: Some(data), .. } if http.is_success() => Ok(data),
            Answer { message, .. } => Err(failed(refusal(http, &message))),
        }
    }
}

/// Paystack's envelope around every answer.
#[derive(Deserialize)]
struct Answer<T> {
    status: bool,
    #[serde(default)]
    message: String,
    data: Option<T>,
}

#[derive(Deserialize)]
struct Initialized {
    authorization_url: String,
    reference: String,
}

fn refusal(status: StatusCode, message: &str) -> String {
    let message = if message.is_empty() { "no message" } else { message };
    format!("refused (HTTP {status}): {}", message.chars().take(200).collect::<String>())
}

/// The start of a body that is not Paystack's JSON (an HTML error page from a proxy, say).
fn excerpt(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).chars().take(200).collect()
}

impl PaymentProvider for PaystackProvider {
    fn name(&self) -> &'static str {
        "paystack"
    }

    fn initialize(
        &self,
        order: i64,
        email: &Email,
        amount: Money,
        method: PaymentMethod,
    ) -> BoxFuture<'_, Result<PaymentSession>> {
        // Paystack allows only alphanumerics, `-`, `.` and `=` in a reference.
        let reference = format!("la-{order}-{}", uuid::Uuid::new_v4().simple());
        // Paystack's checkout page offers only the channel the shopper chose.
        let body = json!({
            "email": email.as_str(),
            "amount": amount.minor,
            "currency": amount.currency.code(),
            "reference": reference,
            "channels": [method.as_str()],
            "metadata": { "order_id": order },
        });
        Box::pin(async move {
            let data: Initialized = self.call("initialize", "transaction/initialize", body).await?;
            if data.reference != reference {
                tracing::warn!(sent = %reference, got = %data.reference, "Paystack changed the reference");
            }
            tracing::info!(order, reference = %data.reference, "Paystack charge initialized");
            Ok(PaymentSession {
                provider: self.name(),
                reference: data.reference,
                authorization_url: data.authorization_url,
                amount,
                method,
            })
        })
    }

    fn refund(&self, reference: &str, amount: Money) -> BoxFuture<'_, Result<()>> {
        let body = json!({ "transaction": reference, "amount": amount.minor });
        let reference = reference.to_owned();
        Box::pin(async move {
            let _: Value = self.call("refund", "refund", body).await?;
            tracing::info!(reference = %reference, "Paystack refund requested");
            Ok(())
        })
    }

    fn verify_signature(&self, body: &[u8], signature: &str) -> bool {
        signature_matches(self.secret_key.as_bytes(), body, signature)
    }
}
