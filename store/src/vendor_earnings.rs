//! A vendor's earnings per month (`linkedall_shared::earnings`), read from the order parts
//! themselves — what the vendor is paid for each, in their currency, as checkout fixed it — so
//! the figure never drifts from the orders.

use linkedall_shared::earnings::{EARNINGS_MONTHS, EarningsMonth, VendorEarnings};
use linkedall_shared::{Currency, Market, Money, VendorId};

use super::Store;
use crate::conn::on_pool;
use crate::error::{Error, Result};
use crate::timing::QueryTimer;

impl Store {
    /// `vendor`'s earnings for the last months with sales, newest first; 404 for no such shop.
    pub async fn vendor_earnings(&self, vendor: VendorId) -> Result<VendorEarnings> {
        let dialect = self.dialect();
        let _t = QueryTimer::start(dialect.as_str(), "vendor_earnings");
        let db = || Error::db("reading a vendor's earnings");
        let country: Option<String> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT country FROM vendors WHERE id = $1",
        )
        .bind(vendor.get())
        .fetch_optional(pool)
        .await
        .map_err(db())?);
        let country = country.ok_or_else(|| Error::NotFound { what: format!("vendor {vendor}") })?;
        let currency: Currency = Market::of_country(&country).currency;
        let select = format!(
            "SELECT {month} AS month, CAST(count(*) AS BIGINT), \
             CAST(SUM(CASE WHEN p.state = 'delivered' THEN COALESCE(p.vendor_subtotal_minor, p.subtotal_minor) ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN p.state <> 'delivered' THEN COALESCE(p.vendor_subtotal_minor, p.subtotal_minor) ELSE 0 END) AS BIGINT) \
             FROM order_parts p JOIN orders o ON o.id = p.order_id \
             WHERE p.vendor_id = $1 AND p.state IN ('confirmed', 'shipped', 'delivered') \
             AND COALESCE(p.vendor_currency, $2) = $2 \
             GROUP BY month ORDER BY month DESC LIMIT $3",
            month = dialect.month_of("o.created_at"),
        );
        let rows: Vec<(String, i64, i64, i64)> = on_pool!(self, pool => sqlx::query_as(&select)
            .bind(vendor.get())
            .bind(currency.code())
            .bind(i64::from(EARNINGS_MONTHS))
            .fetch_all(pool)
            .await
            .map_err(db())?);
        let months = rows
            .into_iter()
            .map(|(month, orders, delivered, on_the_way)| EarningsMonth {
                month,
                orders: u32::try_from(orders).unwrap_or(u32::MAX),
                delivered: Money::new(currency, delivered),
                on_the_way: Money::new(currency, on_the_way),
            })
            .collect();
        Ok(VendorEarnings { currency, months })
    }
}
