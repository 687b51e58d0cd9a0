//! Search and refined browsing over the catalog: words, a category, filters (price range in
//! the shopper's currency, in stock, vendor city, ships to the shopper's country), a sort and a
//! page. Finding text matches is the one step the backends answer differently as a whole — a
//! stored `tsvector` with a GIN index on PostgreSQL ([`postgres`]), FTS5 on SQLite ([`sqlite`])
//! — so each has its own file; the filters ([`filters`]) and the order of results
//! ([`ranking`]) are written once.
//!
//! The work per request is bounded whatever the catalog's size: a search considers at most
//! [`CANDIDATES`] text matches and as many products of a category its words name, and orders
//! them in memory; a listing without words (a category page) is ordered by the database and
//! counted up to [`LISTING_COUNT_BOUND`].

mod filters;
mod postgres;
pub mod ranking;
mod sqlite;

use std::collections::HashMap;

use linkedall_shared::{Browse, CategoryId, FxRates, Limit, ProductCard, ResultCount, Sort};

use crate::Store;
use crate::conn::on_pool;
use crate::error::{Error, Result};
use crate::rows::{CARD_COLUMNS, CardRow, PHOTO_JOIN, cards};
use crate::timing::QueryTimer;
use filters::Filters;
use ranking::{Candidate, Intent};

/// A search considers at most this many text matches (and as many products of a category its
/// words name); beyond, it is counted as "1,000+" (see [`postgres::text_matches`]).
pub const CANDIDATES: usize = 1_000;

/// A listing without words is counted up to this many products ("10,000+" beyond): counting
/// a million-product category exactly would read all of it for one line of text.
pub const LISTING_COUNT_BOUND: u32 = 10_000;

/// Candidates from one statement; `complete` when they are all the matches there are.
pub struct Candidates {
    pub rows: Vec<Candidate>,
    pub complete: bool,
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub items: Vec<ProductCard>,
    pub count: ResultCount,
    pub has_next: bool,
}

impl Store {
    /// Ranked full-text search over product names (weighted higher) and descriptions, first page.
    pub async fn search(&self, query: &str, limit: Limit) -> Result<Found> {
        let browse = Browse {
            words: query.split_whitespace().collect::<Vec<_>>().join(" "),
            page: 1,
            ..Browse::default()
        };
        self.browse(&browse, None, &FxRates::default(), limit).await
    }

    /// A page of the products `browse` asks for, within `category` (already resolved from its
    /// slug), priced for sorting and price ranges at `rates`.
    pub async fn browse(
        &self,
        browse: &Browse,
        category: Option<CategoryId>,
        rates: &FxRates,
        per_page: Limit,
    ) -> Result<Found> {
        let filters = Filters::new(browse, category, rates)?;
        let per_page = per_page.get() as usize;
        let first = (browse.page.max(1) as usize - 1) * per_page;
        if browse.words.is_empty() {
            return self.listing(&filters, browse.sort(), first, per_page).await;
        }
        let categories = if category.is_some() { Vec::new() } else { self.categories().await? };
        let intent = Intent::of(&browse.words, &categories);
        let text = match self {
            Store::Postgres(pool) => postgres::text_matches(pool, &browse.words, &filters).await?,
            Store::Sqlite(pool) => sqlite::text_matches(pool, &browse.words, &filters).await?,
        };
        let named = self.named_category_matches(&intent, &filters).await?;
        let complete = text.complete && named.complete;
        let mut by_id: HashMap<i64, Candidate> = text.rows.into_iter().map(|c| (c.id, c)).collect();
        for row in named.rows {
            let rank = row.rank;
            by_id.entry(row.id).or_insert(Candidate { rank: 0.0, ..row }).named = Some(rank);
        }
        // Past the bound the count is the bound itself: "more than 1,000", not a number that
        // only says how many candidates were read.
        let at_least = if complete { by_id.len() } else { CANDIDATES.min(by_id.len()) };
        let count = ResultCount { at_least: at_least as u32, exact: complete };
        let ordered = ranking::order(by_id.into_values().collect(), browse.sort(), &intent);
        let page: Vec<i64> = ordered.iter().skip(first).take(per_page).copied().collect();
        let has_next = ordered.len() > first + per_page;
        Ok(Found { items: self.cards_in_order(&page).await?, count, has_next })
    }

    /// The products of the categories the words named, matching the other words (up to
    /// [`CANDIDATES`], newest first, from the `(category_id, id)` index).
    async fn named_category_matches(&self, intent: &Intent, filters: &Filters) -> Result<Candidates> {
        if intent.categories.is_empty() {
            return Ok(Candidates { rows: Vec::new(), complete: true });
        }
        let _t = QueryTimer::start(self.dialect().as_str(), "search_named_category");
        let rest = match self {
            Store::Postgres(_) => Some(intent.rest.clone()).filter(|r| !r.is_empty()),
            Store::Sqlite(_) => sqlite::fts5_query(&intent.rest),
        };
        let (words, rank) = match (&rest, self) {
            (None, _) => (String::new(), "CAST(0 AS DOUBLE PRECISION)".to_owned()),
            (Some(_), Store::Postgres(_)) => {
                (format!(" AND {}", postgres::matches_words(1)), postgres::rank_of_words(1))
            }
            // FTS5's bm25 cannot be read through the subquery: the other words filter only.
            (Some(_), Store::Sqlite(_)) => {
                (format!(" AND {}", sqlite::matches_words(1)), "CAST(0 AS DOUBLE PRECISION)".into())
            }
        };
        let ids: Vec<String> = intent.categories.iter().map(i64::to_string).collect();
        let sql = format!(
            "SELECT p.id, p.name, p.category_id, {rank} AS rank, {} AS price_key \
             FROM products p JOIN vendors v ON v.id = p.vendor_id \
             WHERE p.category_id IN ({}){words}{} ORDER BY p.id DESC LIMIT {}",
            filters.price_key,
            ids.join(", "),
            filters.conditions(if rest.is_some() { 2 } else { 1 }),
            CANDIDATES + 1
        );
        let mut rows: Vec<Candidate> = on_pool!(self, pool => {
            let mut query = sqlx::query_as(&sql);
            if let Some(rest) = &rest {
                query = query.bind(rest);
            }
            if let Some(city) = &filters.city {
                query = query.bind(city);
            }
            query.fetch_all(pool).await.map_err(Error::db("searching a named category"))
        })?;
        let complete = rows.len() <= CANDIDATES;
        rows.truncate(CANDIDATES);
        Ok(Candidates { rows, complete })
    }

    /// A page of a listing without words, ordered by the database: newest first, or by price in
    /// the shopper's currency (every product's converted price is computed for that sort, so
    /// its cost grows with the listing; newest walks the `(category_id, id)` index).
    async fn listing(&self, filters: &Filters, sort: Sort, first: usize, per_page: usize) -> Result<Found> {
        let _t = QueryTimer::start(self.dialect().as_str(), "browse_listing");
        let order = match sort {
            Sort::Relevance | Sort::Newest => "p.id DESC".to_owned(),
            Sort::PriceLowHigh => format!("{} ASC NULLS LAST, p.id DESC", filters.price_key),
            Sort::PriceHighLow => format!("{} DESC NULLS LAST, p.id DESC", filters.price_key),
        };
        let from = "products p JOIN vendors v ON v.id = p.vendor_id";
        let conditions = filters.conditions(1);
        let page_sql = format!(
            "SELECT p.id FROM {from} WHERE 1 = 1{conditions} ORDER BY {order} LIMIT {} OFFSET {first}",
            per_page + 1
        );
        let count_sql = format!(
            "SELECT count(*) FROM (SELECT 1 FROM {from} WHERE 1 = 1{conditions} LIMIT {}) AS bounded",
            LISTING_COUNT_BOUND + 1
        );
        let (mut ids, counted): (Vec<i64>, i64) = on_pool!(self, pool => {
            let mut page = sqlx::query_scalar(&page_sql);
            let mut count = sqlx::query_scalar(&count_sql);
            if let Some(city) = &filters.city {
                page = page.bind(city);
                count = count.bind(city);
            }
            let ids = page.fetch_all(pool).await.map_err(Error::db("listing products"))?;
            let counted = count.fetch_one(pool).await.map_err(Error::db("counting products"))?;
            (ids, counted)
        });
        let has_next = ids.len() > per_page;
        ids.truncate(per_page);
        let count = ResultCount {
            at_least: (counted as u32).min(LISTING_COUNT_BOUND),
            exact: counted as u32 <= LISTING_COUNT_BOUND,
        };
        Ok(Found { items: self.cards_in_order(&ids).await?, count, has_next })
    }

    /// The cards of `ids`, in that order.
    async fn cards_in_order(&self, ids: &[i64]) -> Result<Vec<ProductCard>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let _t = QueryTimer::start(self.dialect().as_str(), "cards_by_id");
        let list: Vec<String> = ids.iter().map(i64::to_string).collect();
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM products p JOIN vendors v ON v.id = p.vendor_id {PHOTO_JOIN} \
             WHERE p.id IN ({})",
            list.join(", ")
        );
        let mut rows: Vec<CardRow> = on_pool!(self, pool => sqlx::query_as(&sql)
            .fetch_all(pool)
            .await
            .map_err(Error::db("reading product cards")))?;
        rows.sort_by_key(|row| ids.iter().position(|id| *id == row.id));
        cards(rows)
    }
}
