//! Exchange rates (table `fx_rates`): read by every page that shows a converted price, set by
//! admins (or the job that feeds them from a rates provider).

use linkedall_shared::{Currency, FxRates};

use super::Store;
use crate::conn::{Conn, on_pool};
use crate::error::{Error, Result};
use crate::on_conn;
use crate::timing::QueryTimer;
use crate::write_tx::WriteTx;

/// Every rate the origin holds (currencies it does not know are left out), and when the
/// newest was set, read on `conn`: a checkout reads them inside its transaction.
pub(crate) async fn rates(mut conn: Conn<'_>) -> Result<FxRates> {
    let dialect = conn.dialect();
    let _t = QueryTimer::start(dialect.as_str(), "fx_rates");
    let db = || Error::db("reading exchange rates");
    let as_of = format!("SELECT {} FROM fx_rates", dialect.timestamp_text("max(updated_at)"));
    let rows: Vec<(String, i64)> = on_conn!(conn, c => sqlx::query_as("SELECT currency, per_usd_micros FROM fx_rates ORDER BY currency")
            .fetch_all(&mut *c)
            .await
            .map_err(db())?);
    let as_of: Option<String> =
        on_conn!(conn, c => sqlx::query_scalar(&as_of).fetch_one(&mut *c).await.map_err(db())?);
    let per_usd_micros = rows
        .into_iter()
        .filter_map(|(code, rate)| Some((code.parse::<Currency>().ok()?, u64::try_from(rate).ok()?)))
        .collect();
    Ok(FxRates { as_of: as_of.unwrap_or_default(), per_usd_micros })
}

/// Sets `rates` in one transaction.
async fn set(store: &Store, rates: &[(String, i64)]) -> Result<()> {
    let dialect = store.dialect();
    let _t = QueryTimer::start(dialect.as_str(), "fx_rates_set");
    let db = || Error::db("setting exchange rates");
    let mut tx = WriteTx::begin(store).await?;
    let sql = format!(
        "INSERT INTO fx_rates (currency, per_usd_micros, updated_at) VALUES ($1, $2, {now}) \
         ON CONFLICT (currency) DO UPDATE SET per_usd_micros = excluded.per_usd_micros, \
         updated_at = excluded.updated_at",
        now = dialect.now()
    );
    for (currency, rate) in rates {
        on_conn!(&mut tx, conn => sqlx::query(&sql)
            .bind(currency)
            .bind(rate)
            .execute(&mut *conn)
            .await
            .map_err(db())?
            .rows_affected());
    }
    tx.commit().await
}

impl Store {
    /// The exchange rates the origin holds; currencies it does not know are left out.
    pub async fn fx_rates(&self) -> Result<FxRates> {
        on_pool!(self, pool => {
            let mut conn = pool.acquire().await.map_err(Error::db("reading exchange rates"))?;
            rates(Conn::from(&mut *conn)).await
        })
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
        set(self, &rows).await
    }
}
