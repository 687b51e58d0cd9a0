//! Accounts: creating users (and a vendor's shop with them) and finding them to sign in.

use linkedall_shared::VendorId;
use serde_json::json;

use super::Store;
use crate::accounts::{Email, Role};
use crate::error::Result;
use crate::events::Event;
use crate::session::CurrentUser;

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
        use serde_json::json;

        use crate::accounts::{Email, Role};
        use crate::error::{Error, Result};
        use crate::events::Event;
        use crate::session::CurrentUser;
        use crate::store::accounts::{NewShop, StoredAccount};
        use crate::store::timing::QueryTimer;

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
            let event = json!({ "user_id": id, "role": role, "vendor_id": vendor_id });
            super::outbox::record(&mut tx, &Event::about_user("user.created", id, event)).await?;
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

    /// Records `user.login` or `user.logout`.
    pub async fn record_session_event(&self, kind: &'static str, user: CurrentUser) -> Result<()> {
        let event = Event::about_user(
            kind,
            user.id,
            json!({ "user_id": user.id, "vendor_id": user.vendor_id.map(VendorId::get) }),
        );
        on_backend!(self, accounts::record_event(&event))
    }
}
