//! Exchange rates (table `fx_rates`): read by every page that shows a converted price, set by
//! admins (or the job that feeds them from a rates provider).

use linkedall_shared::{Currency, FxRates};

use super::Store;
use crate::error::{Error, Result};

macro_rules! fx_rate_queries {
    ($pool:ty, $conn:ty, $backend:literal) => {
        use crate::error::{Error, Result};
        use crate::timing::QueryTimer;

        /// Every rate, and when the newest was set (RFC 3339).
        pub async fn all(pool: &$pool) -> Result<(Vec<(String, i64)>, Option<String>)> {
            let _t = QueryTimer::start($backend, "fx_rates");
            let db = || Error::db("reading exchange rates");
            let rows = sqlx::query_as("SELECT currency, per_usd_micros FROM fx_rates ORDER BY currency")
                .fetch_all(pool)
                .await
                .map_err(db())?;
            let as_of = if $backend == "postgres" {
                "SELECT to_char(max(updated_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM fx_rates"
            } else {
                "SELECT max(updated_at) FROM fx_rates"
            };
            let as_of = sqlx::query_scalar(as_of).fetch_one(pool).await.map_err(db())?;
            Ok((rows, as_of))
        }

        /// Sets `rates` in one transaction.
        pub async fn set(pool: &$pool, rates: &[(String, i64)]) -> Result<()> {
            let _t = QueryTimer::start($backend, "fx_rates_set");
            let db = || Error::db("setting exchange rates");
            let mut tx = super::begin_write(pool).await?;
            let sql = format!(
                "INSERT INTO fx_rates (currency, per_usd_micros, updated_at) VALUES ($1, $2, {now}) \
                 ON CONFLICT (currency) DO UPDATE SET per_usd_micros = excluded.per_usd_micros, \
                 updated_at = excluded.updated_at",
                now = super::NOW
            );
            for (currency, rate) in rates {
                sqlx::query(&sql).bind(currency).bind(rate).execute(&mut *tx).await.map_err(db())?;
            }
            tx.commit().await.map_err(db())
        }
    };
}

pub(crate) use fx_rate_queries;

impl Store {
    /// The exchange rates the origin holds; currencies it does not know are left out.
    pub async fn fx_rates(&self) -> Result<FxRates> {
        let (rows, as_of) = on_backend!(self, fx_rates::all())?;
        let per_usd_micros = rows
            .into_iter()
            .filter_map(|(code, rate)| Some((code.parse::<Currency>().ok()?, u64::try_from(rate).ok()?)))
            .collect();
        Ok(FxRates { as_of: as_of.unwrap_or_default(), per_usd_micros })
    }

    /// Sets exchange rates (units per US dollar, in millionths). The dollar's own rate is
    /// fixed; every rate must be positive.
    pub async fn set_fx_rates(&self, rates: &[(Currency, u64)]) -> Result<()> {
        let mut rows = Vec::with_capacity(rates.len());
        for (currency, rate) in rates {
            if *currency == Currency::USD {
                return Err(Error::Unprocessable("the US dollar is the base: its rate is always 1".into()));
            }
            let rate = i64::try_from(*rate).ok().filter(|r| *r > 0).ok_or_else(|| {
                Error::Unprocessable(format!(
                    "the rate of {currency} must be a positive number of millionths"
                ))
            })?;
            rows.push((currency.code().to_owned(), rate));
        }
        on_backend!(self, fx_rates::set(&rows))
    }
}
