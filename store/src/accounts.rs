//! Accounts: creating users (and a vendor's shop with them) and finding them to sign in.

use linkedall_shared::VendorId;

use super::Store;
use crate::account::CurrentUser;
use crate::account::SessionRecord;
use crate::account::{Email, Role};
use crate::error::{Error, Result};
use linkedall_events_schema::payloads::UserSession;
use linkedall_events_schema::{Event, Payload};

/// The shop a vendor opens when registering.
#[derive(Debug, Clone)]
pub struct NewShop {
    pub name: String,
    pub city: String,
    pub country: String,
}

/// A stored account, as sign-in needs it.
#[derive(Debug, Clone)]
pub struct StoredAccount {
    pub user: CurrentUser,
    pub password_hash: String,
}

macro_rules! account_queries {
    ($pool:ty, $conn:ty, $backend:literal) => {
        use linkedall_shared::{VendorId, slugify};

        use crate::account::{Email, Role};
        use crate::error::{Error, Result};
        use linkedall_events_schema::Event;
        use linkedall_events_schema::payloads::{UserCreated, UserUpdated};
        use crate::account::CurrentUser;
        use crate::account::SessionRecord;
        use crate::accounts::{NewShop, StoredAccount};
        use crate::timing::QueryTimer;

        pub async fn create(
            pool: &$pool,
            email: &Email,
            password_hash: &str,
            role: Role,
            shop: Option<&NewShop>,
        ) -> Result<CurrentUser> {
            let _t = QueryTimer::start($backend, "create_account");
            let db = || Error::db("creating an account");
            let mut tx = super::begin_write(pool).await?;
            let vendor_id: Option<i64> = match shop {
                Some(shop) => Some(
                    sqlx::query_scalar(
                        "INSERT INTO vendors (name, slug, city, country) VALUES ($1, $2, $3, $4) RETURNING id",
                    )
                    .bind(&shop.name)
                    .bind(slugify(&shop.name))
                    .bind(&shop.city)
                    .bind(shop.country.to_uppercase())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db())?,
                ),
                None => None,
            };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (email, password_hash, role, vendor_id) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(email.as_str())
            .bind(password_hash)
            .bind(role.as_str())
            .bind(vendor_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| match e {
                sqlx::Error::Database(ref d) if d.is_unique_violation() => Error::EmailTaken,
                e => db()(e),
            })?;
            let payload =
                UserCreated { user_id: id, role: role.as_str().into(), vendor_id, source: "password".into() };
            super::outbox::record(&mut tx, &Event::about_user(id, &payload)?).await?;
            tx.commit().await.map_err(db())?;
            Ok(CurrentUser { id, role, vendor_id: vendor_id.map(VendorId::new) })
        }

        pub async fn by_email(pool: &$pool, email: &Email) -> Result<Option<StoredAccount>> {
            let _t = QueryTimer::start($backend, "account_by_email");
            let row: Option<(i64, String, String, Option<i64>)> =
                sqlx::query_as("SELECT id, password_hash, role, vendor_id FROM users WHERE email = $1")
                    .bind(email.as_str())
                    .fetch_optional(pool)
                    .await
                    .map_err(Error::db("finding an account"))?;
            row.map(|(id, password_hash, role, vendor_id)| {
                Ok(StoredAccount {
                    user: CurrentUser { id, role: Role::from_column(&role)?, vendor_id: vendor_id.map(VendorId::new) },
                    password_hash,
                })
            })
            .transpose()
        }

        /// Role, shop and active flag of user `id`, for the session cache.
        pub async fn session_record(pool: &$pool, id: i64) -> Result<Option<SessionRecord>> {
            let _t = QueryTimer::start($backend, "session_record");
            let row: Option<(String, Option<i64>, bool)> =
                sqlx::query_as("SELECT role, vendor_id, active FROM users WHERE id = $1")
                    .bind(id)
                    .fetch_optional(pool)
                    .await
                    .map_err(Error::db("looking up a session"))?;
            row.map(|(role, vendor_id, active)| {
                let user = CurrentUser { id, role: Role::from_column(&role)?, vendor_id: vendor_id.map(VendorId::new) };
                Ok(SessionRecord { user, active })
            })
            .transpose()
        }

        /// The local account of Supabase user `subject`: found by subject, else — only when
        /// Supabase says the email is verified — linked by email (never to an admin), else
        /// created as a shopper. A unique violation (a concurrent first sight, or an admin's
        /// email) is `EmailTaken`; the caller retries, and then finds the winner's row.
        pub async fn supabase_account(
            pool: &$pool,
            subject: &str,
            email: Option<&Email>,
            email_verified: bool,
        ) -> Result<SessionRecord> {
            let _t = QueryTimer::start($backend, "supabase_account");
            let db = || Error::db("finding a Supabase account");
            let record = |(id, role, vendor_id, active): (i64, String, Option<i64>, bool)| -> Result<SessionRecord> {
                let user = CurrentUser { id, role: Role::from_column(&role)?, vendor_id: vendor_id.map(VendorId::new) };
                Ok(SessionRecord { user, active })
            };
            let found: Option<(i64, String, Option<i64>, bool)> =
                sqlx::query_as("SELECT id, role, vendor_id, active FROM users WHERE supabase_subject = $1")
                    .bind(subject)
                    .fetch_optional(pool)
                    .await
                    .map_err(db())?;
            if let Some(found) = found {
                return record(found);
            }
            let email = email.ok_or(Error::Unauthenticated(
                "this Supabase account has no email address; sign in with one that has",
            ))?;
            if !email_verified {
                metrics::counter!("supabase_sign_ins_refused_total", "reason" => "unverified_email").increment(1);
                tracing::warn!(subject, "first Supabase sign-in with an unverified email refused");
                return Err(Error::Forbidden(
                    "confirm your email address with Supabase first: an unconfirmed address is not linked to an account here".into(),
                ));
            }
            let mut tx = super::begin_write(pool).await?;
            let linked: Option<(i64, String, Option<i64>, bool)> = sqlx::query_as(
                "UPDATE users SET supabase_subject = $1 \
                 WHERE email = $2 AND supabase_subject IS NULL AND role <> 'admin' \
                 RETURNING id, role, vendor_id, active",
            )
            .bind(subject)
            .bind(email.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db())?;
            let (row, event) = match linked {
                Some(row) => {
                    let payload = UserUpdated { user_id: row.0, supabase_subject: Some(subject.to_owned()) };
                    let event = Event::about_user(row.0, &payload)?;
                    (row, event)
                }
                None => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO users (email, password_hash, role, supabase_subject) \
                         VALUES ($1, $2, 'shopper', $3) RETURNING id",
                    )
                    .bind(email.as_str())
                    .bind(crate::account::NO_PASSWORD)
                    .bind(subject)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| match e {
                        sqlx::Error::Database(ref d) if d.is_unique_violation() => Error::EmailTaken,
                        e => db()(e),
                    })?;
                    let payload = UserCreated {
                        user_id: id,
                        role: Role::Shopper.as_str().into(),
                        vendor_id: None,
                        source: "supabase".into(),
                    };
                    ((id, "shopper".to_owned(), None, true), Event::about_user(id, &payload)?)
                }
            };
            super::outbox::record(&mut tx, &event).await?;
            tx.commit().await.map_err(db())?;
            record(row)
        }

        /// Writes an event that goes with no other change (sign-in, sign-out).
        pub async fn record_event(pool: &$pool, event: &Event) -> Result<()> {
            let mut conn = pool.acquire().await.map_err(Error::db("writing an event"))?;
            super::outbox::record(&mut conn, event).await
        }
    };
}

pub(crate) use account_queries;

impl Store {
    /// Creates an account (and the vendor's shop, for a vendor), with its `user.created` event.
    pub async fn create_account(
        &self,
        email: &Email,
        password_hash: &str,
        role: Role,
        shop: Option<&NewShop>,
    ) -> Result<CurrentUser> {
        on_backend!(self, accounts::create(email, password_hash, role, shop))
    }

    pub async fn account_by_email(&self, email: &Email) -> Result<Option<StoredAccount>> {
        on_backend!(self, accounts::by_email(email))
    }

    /// What the session cache keeps for user `id`; `None` when the account is gone.
    pub async fn session_record(&self, id: i64) -> Result<Option<SessionRecord>> {
        on_backend!(self, accounts::session_record(id))
    }

    /// The local account of Supabase user `subject` (created as a shopper, or linked by a
    /// verified `email`, on first sight), with its `user.created` or `user.updated` event.
    pub async fn supabase_account(
        &self,
        subject: uuid::Uuid,
        email: Option<&Email>,
        email_verified: bool,
    ) -> Result<SessionRecord> {
        let subject = subject.hyphenated().to_string();
        match on_backend!(self, accounts::supabase_account(&subject, email, email_verified)) {
            // Another request saw this user first and won the insert: read what it wrote.
            Err(Error::EmailTaken) => {
                on_backend!(self, accounts::supabase_account(&subject, email, email_verified))
            }
            other => other,
        }
    }

    /// Records a sign-in or sign-out: `kind` wraps the session in its event type
    /// (`UserLogin`, `UserLogout`).
    pub async fn record_session_event<P: Payload>(
        &self,
        kind: fn(UserSession) -> P,
        user: CurrentUser,
    ) -> Result<()> {
        let payload = kind(UserSession { user_id: user.id, vendor_id: user.vendor_id.map(VendorId::get) });
        let event = Event::about_user(user.id, &payload)?;
        on_backend!(self, accounts::record_event(&event))
    }
}
