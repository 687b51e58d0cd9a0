//! Where a vendor's shop delivers (see [`linkedall_shared::ShippingZone`]): chosen when the
//! shop opens, changed from the vendor's dashboard.

use linkedall_events_schema::Event;
use linkedall_events_schema::payloads::VendorUpdated;
use linkedall_shared::{PurgeSelector, ShippingZone, VendorId};

use super::Store;
use crate::cause::Cause;
use crate::error::{Error, Result};
use crate::on_conn;
use crate::timing::QueryTimer;
use crate::write_tx::WriteTx;

impl Store {
    /// Sets where `vendor`'s shop delivers. Its product pages say to each shopper whether it
    /// delivers to them, so they are purged with the change, and `vendor.updated` is written,
    /// in the same transaction.
    pub async fn set_shipping_zone(&self, vendor: VendorId, zone: ShippingZone) -> Result<()> {
        let _t = QueryTimer::start(self.dialect().as_str(), "set_shipping_zone");
        let mut tx = WriteTx::begin(self).await?;
        let changed = on_conn!(&mut tx, conn => sqlx::query("UPDATE vendors SET ships_to = $2 WHERE id = $1")
            .bind(vendor.get())
            .bind(zone.as_str())
            .execute(&mut *conn)
            .await
            .map_err(Error::db("changing where a shop delivers"))?
            .rows_affected());
        if changed == 0 {
            return Err(Error::NotFound { what: format!("shop {vendor}") });
        }
        tx.record_purges(&[PurgeSelector::Tag(format!("vendor:{vendor}"))]).await?;
        let payload = VendorUpdated { vendor_id: vendor.get(), ships_to: zone.as_str().into() };
        tx.emit(&Event::new(format!("vendor/{vendor}"), &payload)?, &Cause::current()).await?;
        tx.commit().await
    }
}
