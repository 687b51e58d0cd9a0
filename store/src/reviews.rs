//! Reviews (table `reviews`, migration 0018): a shopper whose part of an order was delivered
//! rates a product of it once, one to five stars and a few words; the product's vendor may
//! answer, and change the answer.
//!
//! Cards show a product's rating, so its count and sum live on the product row and move in the
//! review's own transaction (a listing reads them with the product). Every write announces
//! itself in the outbox (`review.posted`, `review.answered`) and records a purge of the
//! product's pages, which show both, in that same transaction.

use linkedall_events_schema::Event;
use linkedall_events_schema::payloads::{ReviewAnswered, ReviewPosted};
use linkedall_shared::review::{
    MAX_ANSWER_CHARS, MAX_REVIEW_CHARS, Review, ReviewPage, Stars, VendorAnswer, author_name, checked_text,
};
use linkedall_shared::{ProductId, VendorId};

use super::Store;
use crate::cause::Cause;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::timing::QueryTimer;
use crate::write_tx::WriteTx;
use crate::{on_conn, on_pool, purges};

/// The most reviews one page of a listing holds.
pub const MAX_REVIEWS_PER_PAGE: usize = 50;

/// A review as the reads select it (`r` is reviews, `p` its product).
#[derive(sqlx::FromRow)]
struct ReviewRow {
    id: i64,
    product_id: i64,
    product_name: String,
    author_name: String,
    stars: i64,
    body: String,
    written_at: String,
    answer: Option<String>,
    answered_at: Option<String>,
}

impl TryFrom<ReviewRow> for Review {
    type Error = Error;

    fn try_from(row: ReviewRow) -> Result<Review> {
        let stars = u8::try_from(row.stars)
            .ok()
            .and_then(|s| Stars::new(s).ok())
            .ok_or_else(|| Error::Corrupt(format!("review {} has {} stars", row.id, row.stars)))?;
        Ok(Review {
            id: row.id,
            product_id: ProductId::new(row.product_id),
            product_name: row.product_name,
            author: row.author_name,
            stars,
            text: row.body,
            written_at: row.written_at,
            answer: row
                .answer
                .zip(row.answered_at)
                .map(|(text, answered_at)| VendorAnswer { text, answered_at }),
        })
    }
}

/// `SELECT … FROM reviews r JOIN products p`, to be followed by a `WHERE`.
fn select_reviews(dialect: Dialect) -> String {
    format!(
        "SELECT r.id, r.product_id, p.name AS product_name, r.author_name, r.stars, r.body, \
         {} AS written_at, r.answer, {} AS answered_at \
         FROM reviews r JOIN products p ON p.id = r.product_id",
        dialect.timestamp_text("r.created_at"),
        dialect.timestamp_text("r.answered_at"),
    )
}

/// Newest first from `rows` (asked for one more than `limit`), and where the next page starts.
/// A page of the reviews whose `column` (a column of ours, never input) is `id`, newest first,
/// older than review `before` when given.
async fn review_page(
    store: &Store,
    column: &'static str,
    id: i64,
    before: Option<i64>,
    limit: usize,
    during: &'static str,
) -> Result<ReviewPage> {
    let limit = limit.clamp(1, MAX_REVIEWS_PER_PAGE);
    let sql = format!(
        "{} WHERE {column} = $1 AND (CAST($2 AS BIGINT) IS NULL OR r.id < $2) ORDER BY r.id DESC LIMIT $3",
        select_reviews(store.dialect())
    );
    let rows: Vec<ReviewRow> = on_pool!(store, pool => sqlx::query_as(&sql)
        .bind(id)
        .bind(before)
        .bind(limit as i64 + 1)
        .fetch_all(pool)
        .await
        .map_err(Error::db(during)))?;
    into_page(rows, limit)
}

fn into_page(rows: Vec<ReviewRow>, limit: usize) -> Result<ReviewPage> {
    let mut items = rows.into_iter().map(Review::try_from).collect::<Result<Vec<_>>>()?;
    let next_before = (items.len() > limit).then(|| {
        items.truncate(limit);
        items.last().map(|review| review.id)
    });
    Ok(ReviewPage { items, next_before: next_before.flatten() })
}

fn refused(reason: &'static str) -> impl FnOnce(Error) -> Error {
    move |error| {
        metrics::counter!("review_writes_refused_total", "reason" => reason).increment(1);
        error
    }
}

/// Writes `author`'s review of `product`: 404 no such product, 403 not delivered to them, 409
/// already reviewed.
async fn post(store: &Store, author: i64, product: ProductId, stars: Stars, text: &str) -> Result<i64> {
    let dialect = store.dialect();
    let _t = QueryTimer::start(dialect.as_str(), "post_review");
    let db = || Error::db("writing a review");
    let mut tx = WriteTx::begin(store).await?;
    // The newest delivered part of the author's orders holding the product.
    let delivered: Option<(i64, i64)> = on_conn!(&mut tx, conn => sqlx::query_as(
        "SELECT op.id, op.order_id FROM order_items i \
         JOIN order_parts op ON op.id = i.part_id JOIN orders o ON o.id = op.order_id \
         WHERE o.shopper_id = $1 AND i.product_id = $2 AND op.state = 'delivered' \
         ORDER BY op.id DESC LIMIT 1",
    )
    .bind(author)
    .bind(product.get())
    .fetch_optional(&mut *conn)
    .await
    .map_err(db())?);
    let Some((part, order)) = delivered else {
        let exists: Option<i64> = on_conn!(&mut tx, conn => sqlx::query_scalar("SELECT id FROM products WHERE id = $1")
            .bind(product.get())
            .fetch_optional(&mut *conn)
            .await
            .map_err(db())?);
        tx.rollback().await?;
        return Err(match exists {
            None => Error::NotFound { what: format!("product {product}") },
            Some(_) => refused("not_delivered")(Error::NotDeliveredToYou { product: product.get() }),
        });
    };
    let email: String = on_conn!(&mut tx, conn => sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(author)
        .fetch_one(&mut *conn)
        .await
        .map_err(db())?);
    let insert = "INSERT INTO reviews (product_id, author_id, part_id, author_name, stars, body) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (author_id, product_id) DO NOTHING RETURNING id";
    let id: Option<i64> = on_conn!(&mut tx, conn => sqlx::query_scalar(insert)
        .bind(product.get())
        .bind(author)
        .bind(part)
        .bind(author_name(&email))
        .bind(i64::from(stars.get()))
        .bind(text)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db())?);
    let Some(id) = id else {
        tx.rollback().await?;
        return Err(refused("already_reviewed")(Error::AlreadyReviewed { product: product.get() }));
    };
    let (vendor, count, sum): (i64, i64, i64) = on_conn!(&mut tx, conn => sqlx::query_as(
        "UPDATE products SET rating_count = rating_count + 1, rating_sum = rating_sum + $2 \
         WHERE id = $1 RETURNING vendor_id, rating_count, rating_sum",
    )
    .bind(product.get())
    .bind(i64::from(stars.get()))
    .fetch_one(&mut *conn)
    .await
    .map_err(db())?);
    let payload = ReviewPosted {
        review_id: id,
        product_id: product.get(),
        vendor_id: vendor,
        author_id: author,
        order_id: order,
        stars: stars.get(),
        text_chars: u32::try_from(text.chars().count()).unwrap_or(u32::MAX),
        rating_count: u32::try_from(count).unwrap_or(u32::MAX),
        rating_sum: u32::try_from(sum).unwrap_or(u32::MAX),
    };
    tx.emit(&Event::about_product(product.get(), &payload)?, &Cause::current()).await?;
    // The product's page lists its reviews; every card of it shows the rating.
    tx.record_purges(&purges::product_changed(product)).await?;
    tx.commit().await?;
    metrics::counter!("reviews_posted_total", "stars" => stars.get().to_string()).increment(1);
    tracing::info!(review = id, product = product.get(), stars = stars.get(), "review posted");
    Ok(id)
}

/// Sets `vendor`'s answer to review `id`: 404 no such review, 403 a review of another vendor's
/// product. Returns the reviewed product.
async fn answer(store: &Store, vendor: VendorId, id: i64, text: &str) -> Result<ProductId> {
    let dialect = store.dialect();
    let _t = QueryTimer::start(dialect.as_str(), "answer_review");
    let db = || Error::db("answering a review");
    let mut tx = WriteTx::begin(store).await?;
    let lookup = format!(
        "SELECT r.product_id, p.vendor_id, r.answer IS NOT NULL FROM reviews r \
         JOIN products p ON p.id = r.product_id WHERE r.id = $1 {}",
        dialect.for_update()
    );
    let found: Option<(i64, i64, bool)> = on_conn!(&mut tx, conn => sqlx::query_as(&lookup)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db())?);
    let Some((product, owner, edited)) = found else {
        tx.rollback().await?;
        return Err(Error::NotFound { what: format!("review {id}") });
    };
    if owner != vendor.get() {
        tx.rollback().await?;
        return Err(refused("another_vendor")(Error::Forbidden(format!(
            "review {id} is of another vendor's product"
        ))));
    }
    let update = format!(
        "UPDATE reviews SET answer = $2, answered_at = {now}, updated_at = {now} WHERE id = $1",
        now = dialect.now()
    );
    on_conn!(&mut tx, conn => sqlx::query(&update)
        .bind(id)
        .bind(text)
        .execute(&mut *conn)
        .await
        .map_err(db())?
        .rows_affected());
    let payload = ReviewAnswered { review_id: id, product_id: product, vendor_id: vendor.get(), edited };
    tx.emit(&Event::about_product(product, &payload)?, &Cause::current()).await?;
    tx.record_purges(&purges::product_changed(ProductId::new(product))).await?;
    tx.commit().await?;
    metrics::counter!("review_answers_total", "edited" => if edited { "true" } else { "false" }).increment(1);
    tracing::info!(review = id, product, edited, "review answered");
    Ok(ProductId::new(product))
}

impl Store {
    /// `author` reviews `product`, which was delivered to them: `stars` and `text` (trimmed, at
    /// most [`MAX_REVIEW_CHARS`]). Refused with [`Error::NotDeliveredToYou`] (403) and
    /// [`Error::AlreadyReviewed`] (409).
    pub async fn post_review(
        &self,
        author: i64,
        product: ProductId,
        stars: Stars,
        text: &str,
    ) -> Result<Review> {
        let text = checked_text(text, MAX_REVIEW_CHARS, "review")
            .map_err(|e| refused("too_long")(Error::InvalidReview(e.to_string())))?;
        let id = post(self, author, product, stars, &text).await?;
        self.review(id).await?.ok_or_else(|| Error::Corrupt(format!("review {id} vanished after writing")))
    }

    /// `vendor` answers review `id` of one of their products (or changes their answer): 1 to
    /// [`MAX_ANSWER_CHARS`] characters.
    pub async fn answer_review(&self, vendor: VendorId, id: i64, text: &str) -> Result<Review> {
        let text = checked_text(text, MAX_ANSWER_CHARS, "answer")
            .map_err(|e| refused("too_long")(Error::InvalidReview(e.to_string())))?;
        if text.is_empty() {
            return Err(refused("empty_answer")(Error::InvalidReview("an answer needs some words".into())));
        }
        answer(self, vendor, id, &text).await?;
        self.review(id).await?.ok_or_else(|| Error::NotFound { what: format!("review {id}") })
    }

    /// One review.
    pub async fn review(&self, id: i64) -> Result<Option<Review>> {
        let dialect = self.dialect();
        let _t = QueryTimer::start(dialect.as_str(), "review");
        let sql = format!("{} WHERE r.id = $1", select_reviews(dialect));
        let row: Option<ReviewRow> = on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await
            .map_err(Error::db("reading a review")))?;
        row.map(Review::try_from).transpose()
    }

    /// A page of `product`'s reviews, newest first, older than review `before` when given.
    pub async fn product_reviews(
        &self,
        product: ProductId,
        before: Option<i64>,
        limit: usize,
    ) -> Result<ReviewPage> {
        let _t = QueryTimer::start(self.dialect().as_str(), "product_reviews");
        review_page(self, "r.product_id", product.get(), before, limit, "listing a product's reviews").await
    }

    /// A page of the reviews of `vendor`'s products, newest first.
    pub async fn vendor_reviews(
        &self,
        vendor: VendorId,
        before: Option<i64>,
        limit: usize,
    ) -> Result<ReviewPage> {
        let _t = QueryTimer::start(self.dialect().as_str(), "vendor_reviews");
        review_page(self, "p.vendor_id", vendor.get(), before, limit, "listing a vendor's reviews").await
    }

    /// `shopper`'s reviews of the products in their order `order` (empty for another's order:
    /// only the shopper's own reviews are read).
    pub async fn order_reviews(&self, shopper: i64, order: i64) -> Result<Vec<Review>> {
        let dialect = self.dialect();
        let _t = QueryTimer::start(dialect.as_str(), "order_reviews");
        let sql = format!(
            "{} WHERE r.author_id = $1 AND r.product_id IN (SELECT product_id FROM order_items WHERE order_id = $2) \
             ORDER BY r.product_id",
            select_reviews(dialect)
        );
        let rows: Vec<ReviewRow> = on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(shopper)
            .bind(order)
            .fetch_all(pool)
            .await
            .map_err(Error::db("listing an order's reviews")))?;
        rows.into_iter().map(Review::try_from).collect()
    }
}
