//! Password resets: a link by email for a shopper who forgot their password.
//!
//! The link carries a random token; only its SHA-256 is stored (the caller hashes it), so a
//! copy of the database opens no account. A token works once and for a short time, and asking
//! again replaces any earlier one. Setting the new password ends every session begun before
//! it (`users.sessions_since`), writes `user.password_changed` in the same transaction, and
//! answers the account, so the caller can sign the shopper in.
//!
//! Times are Unix seconds, as session tokens count them.

use linkedall_events_schema::Event;
use linkedall_events_schema::payloads::UserPasswordChanged;

use super::Store;
use crate::account::{CurrentUser, Email, NO_PASSWORD, Role};
use crate::cause::Cause;
use crate::error::{Error, Result};
use crate::on_conn;
use crate::timing::QueryTimer;
use crate::write_tx::WriteTx;
use linkedall_shared::VendorId;

/// A reset opened for an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedReset {
    pub user_id: i64,
}

impl Store {
    /// Keeps `token_hash` as the reset of `email`'s account until `expires_at`, replacing an
    /// unused earlier one. `None` — and nothing written — when there is no such active account
    /// with a password of ours (a Supabase account resets its password with Supabase).
    pub async fn open_password_reset(
        &self,
        email: &Email,
        token_hash: &str,
        now: u64,
        expires_at: u64,
    ) -> Result<Option<OpenedReset>> {
        let _t = QueryTimer::start(self.dialect().as_str(), "open_password_reset");
        let db = || Error::db("opening a password reset");
        let mut tx = WriteTx::begin(self).await?;
        let user: Option<i64> = on_conn!(&mut tx, conn => sqlx::query_scalar(
            "SELECT id FROM users WHERE email = $1 AND active AND password_hash <> $2",
        )
        .bind(email.as_str())
        .bind(NO_PASSWORD)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db())?);
        let Some(user_id) = user else { return Ok(None) };
        on_conn!(&mut tx, conn => sqlx::query(
            "UPDATE password_resets SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user_id)
        .bind(seconds(now))
        .execute(&mut *conn)
        .await
        .map_err(db())?
        .rows_affected());
        on_conn!(&mut tx, conn => sqlx::query(
            "INSERT INTO password_resets (user_id, token_hash, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(user_id)
        .bind(token_hash)
        .bind(seconds(expires_at))
        .execute(&mut *conn)
        .await
        .map_err(db())?
        .rows_affected());
        tx.commit().await?;
        Ok(Some(OpenedReset { user_id }))
    }

    /// Sets `password_hash` as the password of the account whose unused, unexpired reset is
    /// `token_hash`, and ends its earlier sessions. A token that is unknown, used or expired is
    /// [`Error::ResetLinkInvalid`], and nothing changes.
    pub async fn reset_password(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: u64,
    ) -> Result<CurrentUser> {
        let _t = QueryTimer::start(self.dialect().as_str(), "reset_password");
        let db = || Error::db("resetting a password");
        let mut tx = WriteTx::begin(self).await?;
        // Marking the token used first makes two uses of one link race on this row: one wins.
        let user: Option<i64> = on_conn!(&mut tx, conn => sqlx::query_scalar(
            "UPDATE password_resets SET used_at = $2 \
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id",
        )
        .bind(token_hash)
        .bind(seconds(now))
        .fetch_optional(&mut *conn)
        .await
        .map_err(db())?);
        let user_id = user.ok_or(Error::ResetLinkInvalid)?;
        let account: Option<(String, Option<i64>)> = on_conn!(&mut tx, conn => sqlx::query_as(
            "UPDATE users SET password_hash = $2, sessions_since = $3 WHERE id = $1 AND active \
             RETURNING role, vendor_id",
        )
        .bind(user_id)
        .bind(password_hash)
        .bind(seconds(now))
        .fetch_optional(&mut *conn)
        .await
        .map_err(db())?);
        let (role, vendor_id) = account.ok_or(Error::ResetLinkInvalid)?;
        let payload = UserPasswordChanged { user_id, how: "reset".into() };
        tx.emit(&Event::about_user(user_id, &payload)?, &Cause::current()).await?;
        tx.commit().await?;
        Ok(CurrentUser {
            id: user_id,
            role: Role::from_column(&role)?,
            vendor_id: vendor_id.map(VendorId::new),
        })
    }
}

/// Unix seconds as the columns keep them.
fn seconds(at: u64) -> i64 {
    i64::try_from(at).unwrap_or(i64::MAX)
}
