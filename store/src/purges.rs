//! The purge journal: every purge an admin asks for, and every purge a catalog change implies,
//! written as rows numbered in commit order. Edges read it to forget pages
//! (`GET /api/v1/cache/purges`); the Cloudflare forwarder reads it to call Cloudflare's purge
//! API. Catalog writes record their purges in their own transaction, so a price change and the
//! purge of every page that showed the old price commit together or not at all.

use linkedall_shared::{CategoryId, ProductId, Purge, PurgeFeed, PurgeSelector, Stock, VendorId};

use super::Store;
use crate::error::{Error, Result};
use crate::timing::QueryTimer;
use crate::write_tx::{Conn, WriteTx};
use crate::{on_conn, on_pool};

/// The most entries one feed carries; an edge further behind forgets all it holds.
pub const FEED_LIMIT: i64 = 1000;

/// What a change to a product's shown facts (name, price, stock label, images) must purge:
/// every page that carries its tag — its own page, and each listing, search result and home
/// page that showed it.
pub fn product_changed(product: ProductId) -> Vec<PurgeSelector> {
    vec![PurgeSelector::Tag(format!("product:{product}"))]
}

/// What a new product must purge: the listings it now belongs to, which do not carry its tag
/// yet.
pub fn product_listed(category: CategoryId, vendor: VendorId) -> Vec<PurgeSelector> {
    vec![
        PurgeSelector::Tag(format!("category:{category}")),
        PurgeSelector::Tag(format!("vendor:{vendor}")),
        PurgeSelector::Tag("search".into()),
    ]
}

/// Whether stock going from `before` to `after` units changes the label pages show.
pub fn label_changed(before: i32, after: i32) -> bool {
    let units = |n: i32| Stock(u32::try_from(n).unwrap_or(0));
    units(before).label_changes_to(units(after))
}

/// Appends `selectors` to the journal on `conn`, inside the caller's transaction. The journal
/// lock (held until commit) keeps sequence numbers in commit order, so no reader can skip past
/// a purge that commits late.
pub(crate) async fn record(mut conn: Conn<'_>, selectors: &[PurgeSelector]) -> Result<()> {
    if selectors.is_empty() {
        return Ok(());
    }
    let dialect = conn.dialect();
    let _t = QueryTimer::start(dialect.as_str(), "purge_record");
    let db = || Error::db("writing a cache purge");
    on_conn!(conn, conn => sqlx::query(dialect.purge_lock()).execute(&mut *conn).await.map_err(db())?.rows_affected());
    for selector in selectors {
        let (kind, value) = selector.to_journal();
        on_conn!(conn, conn => sqlx::query("INSERT INTO cache_purges (kind, value) VALUES ($1, $2)")
            .bind(kind)
            .bind(value)
            .execute(&mut *conn)
            .await
            .map_err(db())?
            .rows_affected());
        metrics::counter!("cache_purges_recorded_total", "kind" => kind).increment(1);
    }
    Ok(())
}

impl Store {
    /// Records a purge on its own (an admin's); returns the journal's newest sequence number.
    pub async fn purge(&self, selectors: &[PurgeSelector]) -> Result<u64> {
        let mut tx = WriteTx::begin(self).await?;
        tx.record_purges(selectors).await?;
        tx.commit().await?;
        Ok(self.purge_feed(i64::MAX).await?.latest)
    }

    /// Journal entries after `after`, oldest first, at most [`FEED_LIMIT`].
    pub async fn purge_feed(&self, after: i64) -> Result<PurgeFeed> {
        let _t = QueryTimer::start(self.dialect().as_str(), "purge_feed");
        let db = || Error::db("reading the purge journal");
        let (latest, rows): (Option<i64>, Vec<(i64, String, String)>) = on_pool!(self, pool => {
            let mut tx = pool.begin().await.map_err(db())?;
            let latest: Option<i64> =
                sqlx::query_scalar("SELECT MAX(seq) FROM cache_purges").fetch_one(&mut *tx).await.map_err(db())?;
            let rows = sqlx::query_as(
                "SELECT seq, kind, value FROM cache_purges WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3",
            )
            .bind(after)
            .bind(latest.unwrap_or(0))
            .bind(FEED_LIMIT + 1)
            .fetch_all(&mut *tx)
            .await
            .map_err(db())?;
            tx.commit().await.map_err(db())?;
            (latest, rows)
        });
        let truncated = rows.len() as i64 > FEED_LIMIT;
        let purges = rows
            .into_iter()
            .take(FEED_LIMIT as usize)
            .filter_map(|(seq, kind, value)| {
                Some(Purge { seq: seq as u64, selector: PurgeSelector::from_journal(&kind, &value)? })
            })
            .collect();
        Ok(PurgeFeed { purges, latest: latest.unwrap_or(0).max(0) as u64, truncated })
    }

    /// The journal's newest committed position (0 when empty): read it before reading what a
    /// cached document shows, and every purge the read may have missed lies above it.
    pub async fn purge_position(&self) -> Result<u64> {
        let _t = QueryTimer::start(self.dialect().as_str(), "purge_position");
        let seq: Option<i64> = on_pool!(self, pool => sqlx::query_scalar("SELECT MAX(seq) FROM cache_purges")
            .fetch_one(pool)
            .await
            .map_err(Error::db("reading the purge journal's position"))?);
        Ok(seq.unwrap_or(0).max(0) as u64)
    }

    /// How far the journal reader `name` has got.
    pub async fn purge_reader_position(&self, name: &str) -> Result<i64> {
        let seq: Option<i64> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT seq FROM cache_purge_readers WHERE name = $1",
        )
        .bind(name)
        .fetch_optional(pool)
        .await
        .map_err(Error::db("reading a purge reader's position"))?);
        Ok(seq.unwrap_or(0))
    }

    /// Records that the journal reader `name` has handled the journal up to `seq`.
    pub async fn advance_purge_reader(&self, name: &str, seq: i64) -> Result<()> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO cache_purge_readers (name, seq) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET seq = excluded.seq",
        )
        .bind(name)
        .bind(seq)
        .execute(pool)
        .await
        .map_err(Error::db("moving a purge reader on"))?
        .rows_affected());
        Ok(())
    }
}

impl WriteTx {
    /// Adds purges of `selectors` to the purge journal in this transaction.
    pub async fn record_purges(&mut self, selectors: &[PurgeSelector]) -> Result<()> {
        record(self.conn(), selectors).await
    }
}
