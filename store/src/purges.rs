//! The purge journal: every purge an admin asks for, and every purge a catalog change implies,
//! written as rows numbered in commit order. Edges read it to forget pages
//! (`GET /api/v1/cache/purges`); the Cloudflare forwarder reads it to call Cloudflare's purge
//! API. Catalog writes record their purges in their own transaction, so a price change and the
//! purge of every page that showed the old price commit together or not at all.

use linkedall_shared::{CategoryId, ProductId, PurgeFeed, PurgeSelector, Stock, VendorId};

use super::Store;
use crate::error::Result;

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

macro_rules! purge_queries {
    ($pool:ty, $conn:ty, $backend:literal) => {
        use linkedall_shared::{Purge, PurgeFeed, PurgeSelector};

        use crate::error::{Error, Result};
        use crate::purges::FEED_LIMIT;
        use crate::timing::QueryTimer;

        /// Appends `selectors` to the journal inside the caller's transaction. The journal
        /// lock (held until commit) keeps sequence numbers in commit order, so no reader can
        /// skip past a purge that commits late.
        pub async fn record(conn: &mut $conn, selectors: &[PurgeSelector]) -> Result<()> {
            if selectors.is_empty() {
                return Ok(());
            }
            let _t = QueryTimer::start($backend, "purge_record");
            let db = || Error::db("writing a cache purge");
            sqlx::query(super::PURGE_LOCK).execute(&mut *conn).await.map_err(db())?;
            for selector in selectors {
                let (kind, value) = selector.to_journal();
                sqlx::query("INSERT INTO cache_purges (kind, value) VALUES ($1, $2)")
                    .bind(kind)
                    .bind(value)
                    .execute(&mut *conn)
                    .await
                    .map_err(db())?;
                metrics::counter!("cache_purges_recorded_total", "kind" => kind).increment(1);
            }
            Ok(())
        }

        /// Journal entries after `after`, oldest first, at most [`FEED_LIMIT`].
        pub async fn feed(pool: &$pool, after: i64) -> Result<PurgeFeed> {
            let _t = QueryTimer::start($backend, "purge_feed");
            let db = || Error::db("reading the purge journal");
            let mut tx = pool.begin().await.map_err(db())?;
            let latest: Option<i64> =
                sqlx::query_scalar("SELECT MAX(seq) FROM cache_purges").fetch_one(&mut *tx).await.map_err(db())?;
            let rows: Vec<(i64, String, String)> = sqlx::query_as(
                "SELECT seq, kind, value FROM cache_purges WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3",
            )
            .bind(after)
            .bind(latest.unwrap_or(0))
            .bind(FEED_LIMIT + 1)
            .fetch_all(&mut *tx)
            .await
            .map_err(db())?;
            tx.commit().await.map_err(db())?;
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

        /// The journal's newest committed position (0 when empty). Read before a catalog
        /// read, it is a number every purge the read may have missed lies above.
        pub async fn position(pool: &$pool) -> Result<i64> {
            let _t = QueryTimer::start($backend, "purge_position");
            let seq: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM cache_purges")
                .fetch_one(pool)
                .await
                .map_err(Error::db("reading the purge journal's position"))?;
            Ok(seq.unwrap_or(0))
        }

        /// How far the journal reader `name` has got.
        pub async fn reader_position(pool: &$pool, name: &str) -> Result<i64> {
            let seq: Option<i64> = sqlx::query_scalar("SELECT seq FROM cache_purge_readers WHERE name = $1")
                .bind(name)
                .fetch_optional(pool)
                .await
                .map_err(Error::db("reading a purge reader's position"))?;
            Ok(seq.unwrap_or(0))
        }

        /// Records that `name` has handled the journal up to `seq`.
        pub async fn advance_reader(pool: &$pool, name: &str, seq: i64) -> Result<()> {
            sqlx::query(
                "INSERT INTO cache_purge_readers (name, seq) VALUES ($1, $2) \
                 ON CONFLICT (name) DO UPDATE SET seq = excluded.seq",
            )
            .bind(name)
            .bind(seq)
            .execute(pool)
            .await
            .map_err(Error::db("moving a purge reader on"))?;
            Ok(())
        }
    };
}

pub(crate) use purge_queries;

impl Store {
    /// Records a purge on its own (an admin's); returns the journal's newest sequence number.
    pub async fn purge(&self, selectors: &[PurgeSelector]) -> Result<u64> {
        match self {
            Store::Postgres(pool) => {
                let mut tx = pool.begin().await.map_err(crate::error::Error::db("starting a transaction"))?;
                super::postgres::purges::record(&mut tx, selectors).await?;
                tx.commit().await.map_err(crate::error::Error::db("committing a purge"))?;
            }
            Store::Sqlite(pool) => {
                let mut tx = pool
                    .begin_with("BEGIN IMMEDIATE")
                    .await
                    .map_err(crate::error::Error::db("starting a transaction"))?;
                super::sqlite::purges::record(&mut tx, selectors).await?;
                tx.commit().await.map_err(crate::error::Error::db("committing a purge"))?;
            }
        }
        Ok(self.purge_feed(i64::MAX).await?.latest)
    }

    /// The journal after `after`.
    pub async fn purge_feed(&self, after: i64) -> Result<PurgeFeed> {
        on_backend!(self, purges::feed(after))
    }

    /// The journal's newest position: read it before reading what a cached document shows.
    pub async fn purge_position(&self) -> Result<u64> {
        Ok(on_backend!(self, purges::position())?.max(0) as u64)
    }

    pub async fn purge_reader_position(&self, name: &str) -> Result<i64> {
        on_backend!(self, purges::reader_position(name))
    }

    pub async fn advance_purge_reader(&self, name: &str, seq: i64) -> Result<()> {
        on_backend!(self, purges::advance_reader(name, seq))
    }
}
