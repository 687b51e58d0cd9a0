//! The vendor sales read model, as its projection keeps it (`linkedall-events`'
//! `consumers/vendor_sales.rs`): per vendor and currency, the orders placed with them and
//! their gross, in `vendor_sales`.

use crate::error::{Error, Result};
use crate::on_conn;
use crate::write_tx::WriteTx;

impl WriteTx {
    /// Counts one order part of `gross_minor` in `currency` for `vendor`.
    pub async fn count_vendor_sale(&mut self, vendor: i64, currency: &str, gross_minor: i64) -> Result<()> {
        on_conn!(self, conn => sqlx::query(
            "INSERT INTO vendor_sales (vendor_id, currency, orders, gross_minor) VALUES ($1, $2, 1, $3) \
             ON CONFLICT (vendor_id, currency) DO UPDATE SET orders = vendor_sales.orders + 1, \
             gross_minor = vendor_sales.gross_minor + excluded.gross_minor",
        )
        .bind(vendor)
        .bind(currency)
        .bind(gross_minor)
        .execute(&mut *conn)
        .await
        .map_err(Error::db("projecting vendor sales"))?
        .rows_affected());
        Ok(())
    }
}
