//! Accounts: creating users (and a vendor's shop with them) and finding them to sign in.

use linkedall_events_schema::payloads::{UserCreated, UserSession, UserUpdated};
use linkedall_events_schema::{Event, Payload};
use linkedall_shared::{ShippingZone, VendorId, slugify};

use super::Store;
use crate::account::{CurrentUser, Email, Role, SessionRecord};
use crate::cause::Cause;
use crate::conn::on_pool;
use crate::error::{Error, Result};
use crate::on_conn;
use crate::timing::QueryTimer;
use crate::write_tx::WriteTx;

/// The shop a vendor opens when registering.
#[derive(Debug, Clone)]
pub struct NewShop {
    pub name: String,
    pub city: String,
    pub country: String,
    pub ships_to: ShippingZone,
}

/// A stored account, as sign-in needs it.
#[derive(Debug, Clone)]
pub struct StoredAccount {
    pub user: CurrentUser,
    pub password_hash: String,
}

/// An account row's (id, role, shop, active, sessions since) as the session cache keeps it.
type SessionColumns = (i64, String, Option<i64>, bool, i64);

fn session_of((id, role, vendor_id, active, since): SessionColumns) -> Result<SessionRecord> {
    let user = CurrentUser { id, role: Role::from_column(&role)?, vendor_id: vendor_id.map(VendorId::new) };
    Ok(SessionRecord { user, active, sessions_since: u64::try_from(since).unwrap_or(0) })
}

/// An insert into `users` refused because the email (or Supabase subject) is taken.
fn email_taken(during: &'static str) -> impl FnOnce(sqlx::Error) -> Error {
    move |e| match e {
        sqlx::Error::Database(ref d) if d.is_unique_violation() => Error::EmailTaken,
        e => Error::db(during)(e),
    }
}

/// The shop an account keeps, if any.
#[derive(Debug, Clone, Copy)]
pub enum Keeps<'a> {
    /// A shopper's or an admin's account.
    NoShop,
    /// A vendor opening their shop with their account.
    NewShop(&'a NewShop),
    /// A keeper of a shop that exists (the demo's vendor account, given one of its shops).
    Shop(VendorId),
}

/// Creates the account (and the vendor's shop) with its `user.created` event.
async fn create(
    store: &Store,
    email: &Email,
    password_hash: &str,
    role: Role,
    keeps: Keeps<'_>,
) -> Result<CurrentUser> {
    let _t = QueryTimer::start(store.dialect().as_str(), "create_account");
    let during = "creating an account";
    let mut tx = WriteTx::begin(store).await?;
    let vendor_id: Option<i64> = match keeps {
        Keeps::Shop(vendor) => Some(vendor.get()),
        Keeps::NewShop(shop) => Some(on_conn!(&mut tx, conn => sqlx::query_scalar(
            "INSERT INTO vendors (name, slug, city, country, ships_to) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&shop.name)
        .bind(slugify(&shop.name))
        .bind(&shop.city)
        .bind(shop.country.to_uppercase())
        .bind(shop.ships_to.as_str())
        .fetch_one(&mut *conn)
        .await
        .map_err(Error::db(during))?)),
        Keeps::NoShop => None,
    };
    let id: i64 = on_conn!(&mut tx, conn => sqlx::query_scalar(
        "INSERT INTO users (email, password_hash, role, vendor_id) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(email.as_str())
    .bind(password_hash)
    .bind(role.as_str())
    .bind(vendor_id)
    .fetch_one(&mut *conn)
    .await
    .map_err(email_taken(during))?);
    let payload =
        UserCreated { user_id: id, role: role.as_str().into(), vendor_id, source: "password".into() };
    tx.emit(&Event::about_user(id, &payload)?, &Cause::current()).await?;
    tx.commit().await?;
    Ok(CurrentUser { id, role, vendor_id: vendor_id.map(VendorId::new) })
}

async fn by_email(store: &Store, email: &Email) -> Result<Option<StoredAccount>> {
    let _t = QueryTimer::start(store.dialect().as_str(), "account_by_email");
    let row: Option<(i64, String, String, Option<i64>)> = on_pool!(store, pool => sqlx::query_as(
        "SELECT id, password_hash, role, vendor_id FROM users WHERE email = $1",
    )
    .bind(email.as_str())
    .fetch_optional(pool)
    .await
    .map_err(Error::db("finding an account"))?);
    row.map(|(id, password_hash, role, vendor_id)| {
        Ok(StoredAccount {
            user: CurrentUser {
                id,
                role: Role::from_column(&role)?,
                vendor_id: vendor_id.map(VendorId::new),
            },
            password_hash,
        })
    })
    .transpose()
}

/// Role, shop, active flag and sessions' start of user `id`, for the session cache.
async fn session_record(store: &Store, id: i64) -> Result<Option<SessionRecord>> {
    let _t = QueryTimer::start(store.dialect().as_str(), "session_record");
    let row: Option<(String, Option<i64>, bool, i64)> = on_pool!(store, pool => sqlx::query_as(
        "SELECT role, vendor_id, active, sessions_since FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
    .map_err(Error::db("looking up a session"))?);
    row.map(|(role, vendor_id, active, since)| session_of((id, role, vendor_id, active, since))).transpose()
}

/// The local account of Supabase user `subject`: found by subject, else — only when Supabase
/// says the email is verified — linked by email (never to an admin), else created as a
/// shopper. A unique violation (a concurrent first sight, or an admin's email) is
/// `EmailTaken`; the caller retries, and then finds the winner's row.
async fn supabase_account(
    store: &Store,
    subject: &str,
    email: Option<&Email>,
    email_verified: bool,
) -> Result<SessionRecord> {
    let _t = QueryTimer::start(store.dialect().as_str(), "supabase_account");
    let during = "finding a Supabase account";
    let found: Option<SessionColumns> = on_pool!(store, pool => sqlx::query_as(
        "SELECT id, role, vendor_id, active, sessions_since FROM users WHERE supabase_subject = $1",
    )
    .bind(subject)
    .fetch_optional(pool)
    .await
    .map_err(Error::db(during))?);
    if let Some(found) = found {
        return session_of(found);
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
    let mut tx = WriteTx::begin(store).await?;
    let linked: Option<SessionColumns> = on_conn!(&mut tx, conn => sqlx::query_as(
        "UPDATE users SET supabase_subject = $1 \
         WHERE email = $2 AND supabase_subject IS NULL AND role <> 'admin' \
         RETURNING id, role, vendor_id, active, sessions_since",
    )
    .bind(subject)
    .bind(email.as_str())
    .fetch_optional(&mut *conn)
    .await
    .map_err(Error::db(during))?);
    let (row, event) = match linked {
        Some(row) => {
            let payload = UserUpdated { user_id: row.0, supabase_subject: Some(subject.to_owned()) };
            let event = Event::about_user(row.0, &payload)?;
            (row, event)
        }
        None => {
            let id: i64 = on_conn!(&mut tx, conn => sqlx::query_scalar(
                "INSERT INTO users (email, password_hash, role, supabase_subject) \
                 VALUES ($1, $2, 'shopper', $3) RETURNING id",
            )
            .bind(email.as_str())
            .bind(crate::account::NO_PASSWORD)
            .bind(subject)
            .fetch_one(&mut *conn)
            .await
            .map_err(email_taken(during))?);
            let payload = UserCreated {
                user_id: id,
                role: Role::Shopper.as_str().into(),
                vendor_id: None,
                source: "supabase".into(),
            };
            ((id, "shopper".to_owned(), None, true, 0), Event::about_user(id, &payload)?)
        }
    };
    tx.emit(&event, &Cause::current()).await?;
    tx.commit().await?;
    session_of(row)
}

/// Writes an event that goes with no other change (sign-in, sign-out).
async fn record_event(store: &Store, event: &Event) -> Result<()> {
    let mut tx = WriteTx::begin(store).await?;
    tx.emit(event, &Cause::current()).await?;
    tx.commit().await
}

impl Store {
    /// Creates an account (and the vendor's shop, for a vendor), with its `user.created` event.
    pub async fn create_account(
        &self,
        email: &Email,
        password_hash: &str,
        role: Role,
        keeps: Keeps<'_>,
    ) -> Result<CurrentUser> {
        create(self, email, password_hash, role, keeps).await
    }

    /// The first shop opened in `country` (ISO code), if any.
    pub async fn oldest_shop_in(&self, country: &str) -> Result<Option<VendorId>> {
        let id: Option<i64> = crate::conn::on_pool!(self, pool => sqlx::query_scalar(
            "SELECT id FROM vendors WHERE country = $1 ORDER BY id LIMIT 1",
        )
        .bind(country)
        .fetch_optional(pool)
        .await
        .map_err(Error::db("finding a shop"))?);
        Ok(id.map(VendorId::new))
    }

    pub async fn account_by_email(&self, email: &Email) -> Result<Option<StoredAccount>> {
        by_email(self, email).await
    }

    /// What the session cache keeps for user `id`; `None` when the account is gone.
    pub async fn session_record(&self, id: i64) -> Result<Option<SessionRecord>> {
        session_record(self, id).await
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
        match supabase_account(self, &subject, email, email_verified).await {
            // Another request saw this user first and won the insert: read what it wrote.
            Err(Error::EmailTaken) => supabase_account(self, &subject, email, email_verified).await,
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
        record_event(self, &event).await
    }
}
