//! Mail to shoppers and vendors: one [`Mailer`] per origin. Through SMTP when configured
//! (`LINKEDALL_SMTP_URL`: `smtps://user:pass@host:465`, or `smtp://host:587?tls=required` for
//! STARTTLS, or plain `smtp://127.0.0.1:2525` for a local relay), else — the embedded default,
//! so a demo on a laptop sends nothing anywhere — written as `.eml` files under
//! `LINKEDALL_MAIL_DIR` (`data/mail`), which any mail program opens.
//!
//! Sending is awaited by its caller but never tells a client whether an address has an
//! account: the password reset route answers the same either way and sends in the background.

pub mod password_reset;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::error::{Error, Result};

/// How long one SMTP exchange may take before the mail counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

/// One message: plain text, to one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    /// What it is, for metrics and logs: `password_reset`.
    pub kind: &'static str,
}

/// Where mail goes.
#[derive(Clone)]
pub enum Mailer {
    Smtp { transport: AsyncSmtpTransport<Tokio1Executor>, from: Mailbox },
    Files { transport: AsyncFileTransport<Tokio1Executor>, dir: PathBuf, from: Mailbox },
}

impl std::fmt::Debug for Mailer {
    // The SMTP URL may carry a password: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Smtp { from, .. } => write!(f, "Mailer::Smtp(from {from})"),
            Mailer::Files { dir, from, .. } => write!(f, "Mailer::Files({}, from {from})", dir.display()),
        }
    }
}

impl Mailer {
    /// SMTP to the server `url` names, sending as `from`.
    pub fn smtp(url: &str, from: &str) -> Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| Error::Config(format!("LINKEDALL_SMTP_URL is not an SMTP URL: {e}")))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Mailer::Smtp { transport, from: sender(from)? })
    }

    /// `.eml` files in `dir` (created if missing), sent as `from`.
    pub fn files(dir: &Path, from: &str) -> Result<Mailer> {
        std::fs::create_dir_all(dir)?;
        Ok(Mailer::Files {
            transport: AsyncFileTransport::new(dir),
            dir: dir.to_owned(),
            from: sender(from)?,
        })
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Mailer::Smtp { .. } => "smtp",
            Mailer::Files { .. } => "files",
        }
    }

    /// Sends `mail`; an address that is no address is [`Error::InvalidParameter`], a server that
    /// refuses or does not answer is [`Error::Upstream`].
    pub async fn send(&self, mail: &Mail) -> Result<()> {
        let started = Instant::now();
        let to: Mailbox = mail.to.parse().map_err(|_| Error::InvalidParameter {
            name: "email",
            message: "expected an email address such as ama@example.com".into(),
        })?;
        let from = match self {
            Mailer::Smtp { from, .. } | Mailer::Files { from, .. } => from.clone(),
        };
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(&mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.text.clone())
            .map_err(|e| Error::Corrupt(format!("building a mail failed: {e}")))?;
        let outcome = match self {
            Mailer::Smtp { transport, .. } => {
                transport.send(message).await.map(drop).map_err(|e| e.to_string())
            }
            Mailer::Files { transport, dir, .. } => match transport.send(message).await {
                Ok(id) => {
                    let file = dir.join(format!("{id}.eml"));
                    tracing::info!(kind = mail.kind, file = %file.display(), "mail written to a file (no SMTP server set)");
                    Ok(())
                }
                Err(e) => Err(e.to_string()),
            },
        };
        let result = if outcome.is_ok() { "sent" } else { "failed" };
        metrics::counter!("mails_total", "kind" => mail.kind, "backend" => self.backend(), "outcome" => result)
            .increment(1);
        metrics::histogram!("mail_send_seconds", "backend" => self.backend())
            .record(started.elapsed().as_secs_f64());
        outcome.map_err(|reason| {
            tracing::error!(kind = mail.kind, backend = self.backend(), %reason, "a mail could not be sent");
            Error::Upstream(format!("the mail server refused or did not answer: {reason}"))
        })
    }
}

fn sender(from: &str) -> Result<Mailbox> {
    from.parse().map_err(|_| Error::Config(format!("LINKEDALL_MAIL_FROM is not a mailbox: {from}")))
}
