//! The order history read model, as its projection keeps it (`linkedall-events`'
//! `consumers/order_history.rs`): each order's current state and total in `order_history`,
//! with the sequence number of the last event applied so older events never overwrite newer.

use crate::error::{Error, Result};
use crate::on_conn;
use crate::write_tx::WriteTx;

impl WriteTx {
    /// Opens order `order`'s history in state `created` (unless it is there already).
    pub async fn open_order_history(
        &mut self,
        order: i64,
        shopper: i64,
        currency: &str,
        total_minor: i64,
        seq: i64,
    ) -> Result<()> {
        on_conn!(self, conn => sqlx::query(
            "INSERT INTO order_history (order_id, shopper_id, state, currency, total_minor, last_seq) \
             VALUES ($1, $2, 'created', $3, $4, $5) ON CONFLICT (order_id) DO NOTHING",
        )
        .bind(order)
        .bind(shopper)
        .bind(currency)
        .bind(total_minor)
        .bind(seq)
        .execute(&mut *conn)
        .await
        .map_err(Error::db("projecting the order history"))?
        .rows_affected());
        Ok(())
    }

    /// Moves order `order`'s history to `state`, when event `seq` is newer than the last
    /// one applied.
    pub async fn move_order_history(&mut self, order: i64, state: &str, seq: i64) -> Result<()> {
        on_conn!(self, conn => sqlx::query(
            "UPDATE order_history SET state = $2, last_seq = $3 WHERE order_id = $1 AND last_seq < $3",
        )
        .bind(order)
        .bind(state)
        .bind(seq)
        .execute(&mut *conn)
        .await
        .map_err(Error::db("projecting the order history"))?
        .rows_affected());
        Ok(())
    }
}
