//! Each product's photos, in order (`product_gallery`): at most
//! [`MAX_PHOTOS_PER_PRODUCT`], the first the main one. A vendor adds one (appended), replaces
//! one in its place, removes one, or moves one first ([`PhotoEdit`]); every edit is one
//! business step in one transaction, decided in [`edit`]'s `match`.
//!
//! An edit is a product update to every reader: it writes `product.updated` (with a
//! `photo_change`: the main photo now, the photo replaced or removed, what was done and the
//! order afterwards) to the outbox and the purge of the product's tag to the journal in the
//! same transaction, as `vendor_products` does. The caller stores a new original before
//! calling [`Store::edit_product_photos`] and deletes it if the call fails, and deletes the
//! objects of the photo an edit dropped only after it returns, so no row ever points at a
//! missing file.
//!
//! `product_photos` (one row per product, the release before the gallery's shape) is kept
//! equal to each product's main photo in the same transaction, so that release keeps working
//! during a rollout; nothing of this release reads it.

use linkedall_events_schema::Event;
use linkedall_events_schema::payloads::{PhotoChange, ProductUpdated};
use linkedall_shared::{MAX_PHOTOS_PER_PRODUCT, Photo, PhotoFormat, ProductId, VendorId};

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

/// A `product_gallery` row: hash, format, width, height, thumbhash.
type PhotoColumns = (String, String, i32, i32, String);

/// What a vendor does to a product's photos.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhotoEdit {
    /// Appends a photo; it is the main one when it is the first.
    Add(Photo),
    /// Puts `with` in the place of the photo `hash`.
    Replace { hash: String, with: Photo },
    /// Removes the photo `hash`; the next one becomes the main one if it was.
    Remove { hash: String },
    /// Moves the photo `hash` first: the product's main photo.
    MakeMain { hash: String },
    /// Replaces the main photo, or adds the first (the single-photo API of before the gallery).
    ReplaceMain(Photo),
    /// Removes the main photo (the single-photo API of before the gallery).
    RemoveMain,
}

/// What an edit left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotosEdited {
    /// The product's photos afterwards, the main one first.
    pub photos: Vec<Photo>,
    /// The photo the edit took out (replaced or removed): the caller deletes its objects.
    pub dropped: Option<Photo>,
}

/// The vendor's product, its price and stock (for the event), or 404/403. Locks the product's
/// row on PostgreSQL, so two edits of one product's photos run one after the other (SQLite's
/// write transactions already do).
async fn owned(tx: &mut WriteTx, vendor: VendorId, id: ProductId) -> Result<(i64, i32)> {
    let sql = format!(
        "SELECT vendor_id, price_minor, stock FROM products WHERE id = $1 {}",
        tx.dialect().for_update()
    );
    let row: Option<(i64, i64, i32)> = on_conn!(tx, conn => sqlx::query_as(&sql)
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

/// The product's photos in order, read on `conn` (inside a transaction, or on a connection
/// from the pool).
async fn gallery_in(mut conn: Conn<'_>, id: ProductId) -> Result<Vec<Photo>> {
    let rows: Vec<PhotoColumns> = on_conn!(conn, c => sqlx::query_as(
        "SELECT hash, format, width, height, thumbhash FROM product_gallery WHERE product_id = $1 \
         ORDER BY position",
    )
    .bind(id.get())
    .fetch_all(&mut *c)
    .await
    .map_err(Error::db("reading a product's photos"))?);
    rows.into_iter()
        .map(|(hash, format, width, height, thumbhash)| {
            photo_of_columns(id, Some(hash), Some(format), Some(width), Some(height), Some(thumbhash))?
                .ok_or_else(|| Error::Corrupt(format!("product {id} has a photo without columns")))
        })
        .collect()
}

/// Where the photo `hash` is among `photos`, or 404.
fn position_of(photos: &[Photo], id: ProductId, hash: &str) -> Result<usize> {
    photos
        .iter()
        .position(|p| p.hash == hash)
        .ok_or_else(|| Error::NotFound { what: format!("photo {hash} of product {id}") })
}

fn side(v: u32, what: &str) -> Result<i32> {
    i32::try_from(v).map_err(|_| Error::Corrupt(format!("photo {what} {v}")))
}

/// Writes `photo` as the row at `position` (a new row, or in place of the one there).
async fn write_row(tx: &mut WriteTx, position: usize, photo: &Photo, replace: bool) -> Result<()> {
    let now = tx.dialect().now();
    let sql = if replace {
        format!(
            "UPDATE product_gallery SET hash = $3, format = $4, width = $5, height = $6, thumbhash = $7, \
             variants = 'pending', created_at = {now} WHERE product_id = $1 AND position = $2"
        )
    } else {
        "INSERT INTO product_gallery (product_id, position, hash, format, width, height, thumbhash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
            .to_owned()
    };
    let position = i32::try_from(position).map_err(|_| Error::Corrupt("photo position".into()))?;
    let (width, height) = (side(photo.width, "width")?, side(photo.height, "height")?);
    on_conn!(tx, conn => sqlx::query(&sql)
        .bind(photo.product.get())
        .bind(position)
        .bind(&photo.hash)
        .bind(format_column(photo.format))
        .bind(width)
        .bind(height)
        .bind(&photo.thumbhash)
        .execute(&mut *conn)
        .await
        .map_err(Error::db("writing a product photo"))?
        .rows_affected());
    Ok(())
}

async fn delete_row(tx: &mut WriteTx, id: ProductId, hash: &str) -> Result<()> {
    on_conn!(tx, conn => sqlx::query("DELETE FROM product_gallery WHERE product_id = $1 AND hash = $2")
        .bind(id.get())
        .bind(hash)
        .execute(&mut *conn)
        .await
        .map_err(Error::db("removing a product photo"))?
        .rows_affected());
    Ok(())
}

/// Numbers the product's rows 0, 1, 2 … in the order of `photos`. The rows first move out of
/// the way (positions 100 and up, never taken: a product has at most 8 photos), because the
/// key `(product_id, position)` is checked row by row while a statement runs.
async fn renumber(tx: &mut WriteTx, id: ProductId, photos: &[Photo]) -> Result<()> {
    on_conn!(tx, conn => sqlx::query("UPDATE product_gallery SET position = position + 100 WHERE product_id = $1")
        .bind(id.get())
        .execute(&mut *conn)
        .await
        .map_err(Error::db("ordering a product's photos"))?
        .rows_affected());
    for (position, photo) in photos.iter().enumerate() {
        let position = i32::try_from(position).map_err(|_| Error::Corrupt("photo position".into()))?;
        on_conn!(tx, conn => sqlx::query(
            "UPDATE product_gallery SET position = $3 WHERE product_id = $1 AND hash = $2",
        )
        .bind(id.get())
        .bind(&photo.hash)
        .bind(position)
        .execute(&mut *conn)
        .await
        .map_err(Error::db("ordering a product's photos"))?
        .rows_affected());
    }
    Ok(())
}

/// Keeps `product_photos` (the release before the gallery reads only it) equal to the main
/// photo: its row is the gallery's position 0, or none.
async fn mirror_main_photo(tx: &mut WriteTx, id: ProductId) -> Result<()> {
    on_conn!(tx, conn => sqlx::query("DELETE FROM product_photos WHERE product_id = $1")
        .bind(id.get())
        .execute(&mut *conn)
        .await
        .map_err(Error::db("mirroring a product's main photo"))?
        .rows_affected());
    on_conn!(tx, conn => sqlx::query(
        "INSERT INTO product_photos (product_id, hash, format, width, height, thumbhash, variants) \
         SELECT product_id, hash, format, width, height, thumbhash, variants FROM product_gallery \
         WHERE product_id = $1 AND position = 0",
    )
    .bind(id.get())
    .execute(&mut *conn)
    .await
    .map_err(Error::db("mirroring a product's main photo"))?
    .rows_affected());
    Ok(())
}

/// Announces the change (with what happened to the photos) and purges every page that
/// showed the product.
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

/// Refuses a photo that is already among `photos` (other than at `except`): its objects are
/// named by its hash, so two rows would share them.
fn refuse_twice(photos: &[Photo], photo: &Photo, except: Option<usize>) -> Result<()> {
    match photos.iter().position(|p| p.hash == photo.hash) {
        Some(at) if Some(at) != except => Err(Error::PhotoAlreadyThere { product: photo.product.get() }),
        _ => Ok(()),
    }
}

/// An edit with the main photo's hash filled in.
enum Step {
    Add(Photo),
    Replace { hash: String, with: Photo },
    Remove { hash: String },
    MakeMain { hash: String },
}

/// The step an edit is, given the product's main photo (`None` when it has none).
fn step(edit: PhotoEdit, main: Option<String>, id: ProductId) -> Result<Step> {
    Ok(match (edit, main) {
        (PhotoEdit::Add(photo), _) | (PhotoEdit::ReplaceMain(photo), None) => Step::Add(photo),
        (PhotoEdit::Replace { hash, with }, _) => Step::Replace { hash, with },
        (PhotoEdit::ReplaceMain(with), Some(hash)) => Step::Replace { hash, with },
        (PhotoEdit::Remove { hash }, _) | (PhotoEdit::RemoveMain, Some(hash)) => Step::Remove { hash },
        (PhotoEdit::RemoveMain, None) => {
            return Err(Error::NotFound { what: format!("a photo of product {id}") });
        }
        (PhotoEdit::MakeMain { hash }, _) => Step::MakeMain { hash },
    })
}

/// One edit of `vendor`'s product `id`'s photos, with its event and purge, in one transaction.
async fn edit(store: &Store, vendor: VendorId, id: ProductId, edit: PhotoEdit) -> Result<PhotosEdited> {
    let _t = QueryTimer::start(store.dialect().as_str(), "edit_product_photos");
    let mut tx = WriteTx::begin(store).await?;
    let (price, stock) = owned(&mut tx, vendor, id).await?;
    let mut photos = gallery_in(tx.conn(), id).await?;
    let main = photos.first().map(|p| p.hash.clone());
    let (action, dropped) = match step(edit, main, id)? {
        Step::Add(photo) => {
            if photos.len() >= MAX_PHOTOS_PER_PRODUCT {
                return Err(Error::TooManyPhotos { product: id.get(), limit: MAX_PHOTOS_PER_PRODUCT });
            }
            refuse_twice(&photos, &photo, None)?;
            write_row(&mut tx, photos.len(), &photo, false).await?;
            photos.push(photo);
            ("added", None)
        }
        Step::Replace { hash, with } => {
            let at = position_of(&photos, id, &hash)?;
            refuse_twice(&photos, &with, Some(at))?;
            write_row(&mut tx, at, &with, true).await?;
            let old = std::mem::replace(&mut photos[at], with);
            // The same photo again keeps its objects.
            ("replaced", (old.hash != photos[at].hash).then_some(old))
        }
        Step::Remove { hash } => {
            let at = position_of(&photos, id, &hash)?;
            delete_row(&mut tx, id, &hash).await?;
            let old = photos.remove(at);
            renumber(&mut tx, id, &photos).await?;
            ("removed", Some(old))
        }
        Step::MakeMain { hash } => {
            let at = position_of(&photos, id, &hash)?;
            let chosen = photos.remove(at);
            photos.insert(0, chosen);
            renumber(&mut tx, id, &photos).await?;
            ("made_main", None)
        }
    };
    mirror_main_photo(&mut tx, id).await?;
    let change = PhotoChange {
        photo: photos.first().map(event_photo),
        previous_hash: dropped.as_ref().map(|p| p.hash.clone()),
        action: Some(action.to_owned()),
        gallery: Some(photos.iter().map(|p| p.hash.clone()).collect()),
    };
    announce(&mut tx, vendor, id, price, stock, change).await?;
    tx.commit().await?;
    Ok(PhotosEdited { photos, dropped })
}

/// The product's photos in order.
async fn gallery(store: &Store, id: ProductId) -> Result<Vec<Photo>> {
    let _t = QueryTimer::start(store.dialect().as_str(), "product_photos");
    on_pool!(store, pool => {
        let mut conn = pool.acquire().await.map_err(Error::db("reading a product's photos"))?;
        gallery_in(Conn::from(&mut *conn), id).await
    })
}

/// Records how generating the variants of `hash` ended (if it is still a photo of the product).
async fn set_variants(store: &Store, id: ProductId, hash: &str, status: VariantsStatus) -> Result<()> {
    let _t = QueryTimer::start(store.dialect().as_str(), "product_photo_variants");
    for table in ["product_gallery", "product_photos"] {
        let sql = format!("UPDATE {table} SET variants = $1 WHERE product_id = $2 AND hash = $3");
        on_pool!(store, pool => sqlx::query(&sql)
            .bind(status.column())
            .bind(id.get())
            .bind(hash)
            .execute(pool)
            .await
            .map_err(Error::db("recording photo variants"))?
            .rows_affected());
    }
    Ok(())
}

/// The variants status of the product's photo `hash`, if it is still one of its photos.
async fn variants(store: &Store, id: ProductId, hash: &str) -> Result<Option<String>> {
    on_pool!(store, pool => sqlx::query_scalar(
        "SELECT variants FROM product_gallery WHERE product_id = $1 AND hash = $2",
    )
    .bind(id.get())
    .bind(hash)
    .fetch_optional(pool)
    .await
    .map_err(Error::db("reading photo variants")))
}

impl Store {
    /// Edits the photos of `vendor`'s product `id` (404 no such product or photo, 403 another
    /// vendor's, 409 a ninth photo or one already there); returns the photos afterwards and
    /// the one dropped, whose objects the caller deletes.
    pub async fn edit_product_photos(
        &self,
        vendor: VendorId,
        id: ProductId,
        change: PhotoEdit,
    ) -> Result<PhotosEdited> {
        edit(self, vendor, id, change).await
    }

    /// The product's photos, the main one first.
    pub async fn product_photos(&self, id: ProductId) -> Result<Vec<Photo>> {
        gallery(self, id).await
    }

    /// The product's photo `hash`, while it is one of its photos.
    pub async fn product_photo(&self, id: ProductId, hash: &str) -> Result<Option<Photo>> {
        Ok(self.product_photos(id).await?.into_iter().find(|p| p.hash == hash))
    }

    pub async fn set_photo_variants(&self, id: ProductId, hash: &str, status: VariantsStatus) -> Result<()> {
        set_variants(self, id, hash, status).await
    }

    /// `pending`, `ready` or `failed` while `hash` is one of the product's photos.
    pub async fn photo_variants(&self, id: ProductId, hash: &str) -> Result<Option<String>> {
        variants(self, id, hash).await
    }
}
