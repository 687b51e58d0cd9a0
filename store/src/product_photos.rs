//! Each product's current photo: replaced or removed by its vendor, read with the product.
//!
//! A change is a product update to every reader: it writes `product.updated` (with a
//! `photo_change`: the new photo, or none, and the previous hash) to the outbox and the purge
//! of the product's tag to the journal in the same transaction, as
//! `vendor_products` does. The caller stores the original object before calling
//! [`Store::replace_product_photo`], and deletes it if the call fails, so no row ever points
//! at a missing file.

use linkedall_events_schema::Event;
use linkedall_events_schema::payloads::{PhotoChange, ProductUpdated};
use linkedall_shared::{Photo, PhotoFormat, ProductId, VendorId};

use super::Store;
use crate::cause::Cause;
use crate::conn::{Conn, on_pool};
use crate::error::{Error, Result};
use crate::on_conn;
use crate::purges;
use crate::timing::QueryTimer;
use crate::write_tx::WriteTx;

/// How a photo format is spelled in the `product_photos.format` column.
pub fn format_column(format: PhotoFormat) -> &'static str {
    match format {
        PhotoFormat::Jpeg => "jpeg",
        PhotoFormat::Png => "png",
        PhotoFormat::Webp => "webp",
        PhotoFormat::Avif => "avif",
    }
}

/// The photo of a product row's LEFT JOIN with `product_photos` (all columns or none).
pub fn photo_of_columns(
    product: ProductId,
    hash: Option<String>,
    format: Option<String>,
    width: Option<i32>,
    height: Option<i32>,
    thumbhash: Option<String>,
) -> Result<Option<Photo>> {
    let (Some(hash), Some(format), Some(width), Some(height), Some(thumbhash)) =
        (hash, format, width, height, thumbhash)
    else {
        return Ok(None);
    };
    let format = match format.as_str() {
        "jpeg" => PhotoFormat::Jpeg,
        "png" => PhotoFormat::Png,
        "webp" => PhotoFormat::Webp,
        other => {
            return Err(Error::Corrupt(format!("product {product} has a photo of unknown format {other:?}")));
        }
    };
    let size =
        |v: i32| u32::try_from(v).map_err(|_| Error::Corrupt(format!("product {product}'s photo size {v}")));
    Ok(Some(Photo { product, hash, format, width: size(width)?, height: size(height)?, thumbhash }))
}

/// A photo as `product.updated` carries it.
pub fn event_photo(photo: &Photo) -> linkedall_events_schema::payloads::EventPhoto {
    linkedall_events_schema::payloads::EventPhoto {
        hash: photo.hash.clone(),
        format: format_column(photo.format).to_owned(),
        width: photo.width,
        height: photo.height,
        thumbhash: photo.thumbhash.clone(),
        path: photo.original_path(),
    }
}

/// Where the preset variants of a photo stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariantsStatus {
    Pending,
    Ready,
    Failed,
}

impl VariantsStatus {
    pub fn column(self) -> &'static str {
        match self {
            VariantsStatus::Pending => "pending",
            VariantsStatus::Ready => "ready",
            VariantsStatus::Failed => "failed",
        }
    }
}

/// A `product_photos` row: hash, format, width, height, thumbhash.
type PhotoColumns = (String, String, i32, i32, String);

/// The vendor's product, its price and stock (for the event), or 404/403.
async fn owned(tx: &mut WriteTx, vendor: VendorId, id: ProductId) -> Result<(i64, i32)> {
    let row: Option<(i64, i64, i32)> = on_conn!(tx, conn => sqlx::query_as(
        "SELECT vendor_id, price_minor, stock FROM products WHERE id = $1",
    )
    .bind(id.get())
    .fetch_optional(&mut *conn)
    .await
    .map_err(Error::db("finding a product"))?);
    match row {
        None => Err(Error::NotFound { what: format!("product {id}") }),
        Some((owner, _, _)) if owner != vendor.get() => {
            Err(Error::Forbidden(format!("product {id} belongs to another vendor")))
        }
        Some((_, price, stock)) => Ok((price, stock)),
    }
}

/// The product's photo, read on `conn` (inside a transaction, or on a connection from the pool).
async fn current_in(mut conn: Conn<'_>, id: ProductId) -> Result<Option<Photo>> {
    let row: Option<PhotoColumns> = on_conn!(conn, c => sqlx::query_as(
        "SELECT hash, format, width, height, thumbhash FROM product_photos WHERE product_id = $1",
    )
    .bind(id.get())
    .fetch_optional(&mut *c)
    .await
    .map_err(Error::db("reading a product photo"))?);
    match row {
        None => Ok(None),
        Some((hash, format, width, height, thumbhash)) => {
            photo_of_columns(id, Some(hash), Some(format), Some(width), Some(height), Some(thumbhash))
        }
    }
}

/// Announces the change (with what happened to the photo) and purges every page that showed
/// the product.
async fn announce(
    tx: &mut WriteTx,
    vendor: VendorId,
    id: ProductId,
    price: i64,
    stock: i32,
    change: PhotoChange,
) -> Result<()> {
    let payload = ProductUpdated {
        product_id: id.get(),
        vendor_id: vendor.get(),
        name: None,
        description_changed: false,
        price_minor: price,
        stock: i64::from(stock),
        photo_change: Some(change),
    };
    tx.emit(&Event::about_product(id.get(), &payload)?, &Cause::current()).await?;
    tx.record_purges(&purges::product_changed(id)).await
}

/// Makes `photo` its product's photo; returns the one it replaced.
async fn replace(store: &Store, vendor: VendorId, photo: &Photo) -> Result<Option<Photo>> {
    let dialect = store.dialect();
    let _t = QueryTimer::start(dialect.as_str(), "replace_product_photo");
    let mut tx = WriteTx::begin(store).await?;
    let (price, stock) = owned(&mut tx, vendor, photo.product).await?;
    let previous = current_in(tx.conn(), photo.product).await?;
    let upsert = format!(
        "INSERT INTO product_photos (product_id, hash, format, width, height, thumbhash) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (product_id) DO UPDATE SET hash = excluded.hash, format = excluded.format, \
         width = excluded.width, height = excluded.height, thumbhash = excluded.thumbhash, \
         variants = 'pending', created_at = {}",
        dialect.now()
    );
    let width = i32::try_from(photo.width).map_err(|_| Error::Corrupt("photo width".into()))?;
    let height = i32::try_from(photo.height).map_err(|_| Error::Corrupt("photo height".into()))?;
    on_conn!(&mut tx, conn => sqlx::query(&upsert)
        .bind(photo.product.get())
        .bind(&photo.hash)
        .bind(format_column(photo.format))
        .bind(width)
        .bind(height)
        .bind(&photo.thumbhash)
        .execute(&mut *conn)
        .await
        .map_err(Error::db("replacing a product photo"))?
        .rows_affected());
    let change = PhotoChange {
        photo: Some(event_photo(photo)),
        previous_hash: previous.as_ref().map(|p| p.hash.clone()),
    };
    announce(&mut tx, vendor, photo.product, price, stock, change).await?;
    tx.commit().await?;
    Ok(previous)
}

/// Removes the product's photo and returns it (404 when it has none).
async fn remove(store: &Store, vendor: VendorId, id: ProductId) -> Result<Photo> {
    let _t = QueryTimer::start(store.dialect().as_str(), "remove_product_photo");
    let mut tx = WriteTx::begin(store).await?;
    let (price, stock) = owned(&mut tx, vendor, id).await?;
    let Some(photo) = current_in(tx.conn(), id).await? else {
        return Err(Error::NotFound { what: format!("a photo of product {id}") });
    };
    on_conn!(&mut tx, conn => sqlx::query("DELETE FROM product_photos WHERE product_id = $1")
        .bind(id.get())
        .execute(&mut *conn)
        .await
        .map_err(Error::db("removing a product photo"))?
        .rows_affected());
    let change = PhotoChange { photo: None, previous_hash: Some(photo.hash.clone()) };
    announce(&mut tx, vendor, id, price, stock, change).await?;
    tx.commit().await?;
    Ok(photo)
}

/// The product's photo, if any.
async fn current(store: &Store, id: ProductId) -> Result<Option<Photo>> {
    let _t = QueryTimer::start(store.dialect().as_str(), "product_photo");
    on_pool!(store, pool => {
        let mut conn = pool.acquire().await.map_err(Error::db("reading a product photo"))?;
        current_in(Conn::from(&mut *conn), id).await
    })
}

/// Records how generating the variants of `hash` ended (if it is still the photo).
async fn set_variants(store: &Store, id: ProductId, hash: &str, status: VariantsStatus) -> Result<()> {
    let _t = QueryTimer::start(store.dialect().as_str(), "product_photo_variants");
    on_pool!(store, pool => sqlx::query(
        "UPDATE product_photos SET variants = $1 WHERE product_id = $2 AND hash = $3",
    )
    .bind(status.column())
    .bind(id.get())
    .bind(hash)
    .execute(pool)
    .await
    .map_err(Error::db("recording photo variants"))?
    .rows_affected());
    Ok(())
}

/// The variants status of the product's photo `hash`, if it is still the photo.
async fn variants(store: &Store, id: ProductId, hash: &str) -> Result<Option<String>> {
    on_pool!(store, pool => sqlx::query_scalar(
        "SELECT variants FROM product_photos WHERE product_id = $1 AND hash = $2",
    )
    .bind(id.get())
    .bind(hash)
    .fetch_optional(pool)
    .await
    .map_err(Error::db("reading photo variants")))
}

impl Store {
    /// Makes `photo` the photo of its product, owned by `vendor` (404 no such product, 403
    /// another vendor's); returns the photo it replaced, whose objects the caller deletes.
    pub async fn replace_product_photo(&self, vendor: VendorId, photo: &Photo) -> Result<Option<Photo>> {
        replace(self, vendor, photo).await
    }

    /// Removes the photo of `vendor`'s product `id`; returns it so the caller deletes its objects.
    pub async fn remove_product_photo(&self, vendor: VendorId, id: ProductId) -> Result<Photo> {
        remove(self, vendor, id).await
    }

    pub async fn product_photo(&self, id: ProductId) -> Result<Option<Photo>> {
        current(self, id).await
    }

    pub async fn set_photo_variants(&self, id: ProductId, hash: &str, status: VariantsStatus) -> Result<()> {
        set_variants(self, id, hash, status).await
    }

    /// `pending`, `ready` or `failed` while `hash` is the product's photo.
    pub async fn photo_variants(&self, id: ProductId, hash: &str) -> Result<Option<String>> {
        variants(self, id, hash).await
    }
}
