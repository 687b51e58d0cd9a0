//! Shops an admin suspends and reinstates. A suspended shop's products leave the catalog —
//! listings, search, product pages, recommendations, sitemaps, carts and checkout all read
//! `vendors.suspended_at IS NULL` ([`LISTED`]) — until an admin reinstates it.
//!
//! Both changes write their event (`vendor.suspended`, `vendor.reinstated`) and the purge of
//! every page that showed the shop's products in the same transaction: the shop's tag (its
//! storefront and product pages), the tag of each category it sells in (the category pages,
//! and the home page, which carries every category's tag) and search results.

use linkedall_events_schema::Event;
use linkedall_events_schema::payloads::{VendorReinstated, VendorSuspended};
use linkedall_shared::{ProductId, PurgeSelector, VendorId};
use serde::Serialize;

use super::Store;
use crate::cause::Cause;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::timing::QueryTimer;
use crate::write_tx::WriteTx;
use crate::{on_conn, on_pool};

/// The condition, on `vendors v`, that a shop's products are in the catalog.
pub(crate) const LISTED: &str = "v.suspended_at IS NULL";

/// The longest reason an admin may give.
pub const MAX_REASON_CHARS: usize = 500;

/// The most shops one page of the admin's list shows.
pub const MAX_LISTED: i64 = 200;

/// A shop as admins see it: who, where, how many products, and whether it is suspended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct VendorStanding {
    pub id: i64,
    pub name: String,
    pub city: String,
    pub country: String,
    pub products: i64,
    /// When it was suspended (RFC 3339, UTC); `None` for a shop in good standing.
    pub suspended_at: Option<String>,
    /// The admin's reason, shown to the vendor.
    pub suspension_reason: Option<String>,
}

impl VendorStanding {
    pub fn is_suspended(&self) -> bool {
        self.suspended_at.is_some()
    }
}

/// A shop whose standing changed, and its products (whose cached answers are stale).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandingChanged {
    pub standing: VendorStanding,
    pub products: Vec<ProductId>,
}

/// Which shops the admin's list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StandingFilter {
    #[default]
    All,
    Active,
    Suspended,
}

impl StandingFilter {
    /// `all`, `active` or `suspended`.
    pub fn parse(raw: &str) -> Result<StandingFilter> {
        match raw {
            "all" | "" => Ok(StandingFilter::All),
            "active" => Ok(StandingFilter::Active),
            "suspended" => Ok(StandingFilter::Suspended),
            _ => Err(Error::InvalidParameter {
                name: "state",
                message: "expected `all`, `active` or `suspended`".into(),
            }),
        }
    }

    fn condition(self) -> &'static str {
        match self {
            StandingFilter::All => "",
            StandingFilter::Active => " AND v.suspended_at IS NULL",
            StandingFilter::Suspended => " AND v.suspended_at IS NOT NULL",
        }
    }
}

/// The reason, trimmed: 1 to [`MAX_REASON_CHARS`] characters.
fn checked_reason(reason: &str) -> Result<&str> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(Error::InvalidParameter {
            name: "reason",
            message: format!("say why, in 1 to {MAX_REASON_CHARS} characters"),
        });
    }
    Ok(reason)
}

/// `%words%` for `LIKE … ESCAPE '\'`, the words lowercased and their wildcards escaped.
fn like_pattern(words: &str) -> String {
    let mut pattern = String::from("%");
    for c in words.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

fn standing_columns(dialect: Dialect) -> String {
    format!(
        "v.id, v.name, v.city, v.country, \
         (SELECT count(*) FROM products p WHERE p.vendor_id = v.id) AS products, \
         {} AS suspended_at, v.suspension_reason",
        dialect.timestamp_text("v.suspended_at")
    )
}

/// What a change of the shop's standing purges — its tag, the categories it sells in, search —
/// and its products.
async fn purges_of(tx: &mut WriteTx, vendor: VendorId) -> Result<(Vec<PurgeSelector>, Vec<ProductId>)> {
    let rows: Vec<(i64, i64)> = on_conn!(tx, conn => sqlx::query_as(
        "SELECT id, category_id FROM products WHERE vendor_id = $1 ORDER BY id",
    )
    .bind(vendor.get())
    .fetch_all(&mut *conn)
    .await
    .map_err(Error::db("reading a shop's products"))?);
    let categories: std::collections::BTreeSet<i64> = rows.iter().map(|(_, category)| *category).collect();
    let mut selectors = vec![PurgeSelector::Tag(format!("vendor:{vendor}"))];
    selectors.extend(categories.into_iter().map(|c| PurgeSelector::Tag(format!("category:{c}"))));
    selectors.push(PurgeSelector::Tag("search".into()));
    Ok((selectors, rows.into_iter().map(|(id, _)| ProductId::new(id)).collect()))
}

/// Whether `vendor` is suspended now (its row locked until commit): 404 without such a shop.
async fn currently_suspended(tx: &mut WriteTx, vendor: VendorId) -> Result<bool> {
    let sql =
        format!("SELECT suspended_at IS NOT NULL FROM vendors WHERE id = $1 {}", tx.dialect().for_update());
    let suspended: Option<bool> = on_conn!(tx, conn => sqlx::query_scalar(&sql)
        .bind(vendor.get())
        .fetch_optional(&mut *conn)
        .await
        .map_err(Error::db("reading a shop's standing"))?);
    suspended.ok_or_else(|| Error::NotFound { what: format!("shop {vendor}") })
}

impl Store {
    /// Shops whose name or city holds `words` (or whose id they are), in `filter`'s standing,
    /// by id, at most `limit` (up to [`MAX_LISTED`]).
    pub async fn vendor_standings(
        &self,
        words: Option<&str>,
        filter: StandingFilter,
        limit: i64,
    ) -> Result<Vec<VendorStanding>> {
        let dialect = self.dialect();
        let _t = QueryTimer::start(dialect.as_str(), "vendor_standings");
        let words = words.map(str::trim).filter(|w| !w.is_empty());
        let id = words.and_then(|w| w.trim_start_matches('#').parse::<i64>().ok());
        let sql = format!(
            "SELECT {} FROM vendors v \
             WHERE (CAST($1 AS TEXT) IS NULL OR lower(v.name) LIKE $1 ESCAPE '\\' \
                    OR lower(v.city) LIKE $1 ESCAPE '\\' OR v.id = $2){} \
             ORDER BY v.id LIMIT $3",
            standing_columns(dialect),
            filter.condition()
        );
        on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(words.map(like_pattern))
            .bind(id)
            .bind(limit.clamp(1, MAX_LISTED))
            .fetch_all(pool)
            .await
            .map_err(Error::db("listing shops for admins")))
    }

    /// One shop's standing, if there is such a shop.
    pub async fn vendor_standing(&self, vendor: VendorId) -> Result<Option<VendorStanding>> {
        let dialect = self.dialect();
        let _t = QueryTimer::start(dialect.as_str(), "vendor_standing");
        let sql = format!("SELECT {} FROM vendors v WHERE v.id = $1", standing_columns(dialect));
        on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(vendor.get())
            .fetch_optional(pool)
            .await
            .map_err(Error::db("reading a shop's standing")))
    }

    /// Suspends `vendor` for `reason`: its products leave the catalog, `vendor.suspended` is
    /// written and its pages purged, in one transaction. 404 without such a shop, 409 when it
    /// is suspended already.
    pub async fn suspend_vendor(&self, vendor: VendorId, reason: &str) -> Result<StandingChanged> {
        let reason = checked_reason(reason)?;
        let _t = QueryTimer::start(self.dialect().as_str(), "suspend_vendor");
        let mut tx = WriteTx::begin(self).await?;
        if currently_suspended(&mut tx, vendor).await? {
            return Err(Error::IllegalTransition {
                what: format!("shop {vendor}"),
                action: "suspend",
                state: "suspended already",
            });
        }
        let sql = format!(
            "UPDATE vendors SET suspended_at = {}, suspension_reason = $2 WHERE id = $1",
            tx.dialect().now()
        );
        on_conn!(&mut tx, conn => sqlx::query(&sql)
            .bind(vendor.get())
            .bind(reason)
            .execute(&mut *conn)
            .await
            .map_err(Error::db("suspending a shop"))?
            .rows_affected());
        let (purges, products) = purges_of(&mut tx, vendor).await?;
        tx.record_purges(&purges).await?;
        let payload = VendorSuspended {
            vendor_id: vendor.get(),
            reason: reason.to_owned(),
            products: products.len() as i64,
        };
        tx.emit(&Event::new(format!("vendor/{vendor}"), &payload)?, &Cause::current()).await?;
        tx.commit().await?;
        self.standing_changed(vendor, products).await
    }

    /// Reinstates the suspended `vendor`: its products are back in the catalog,
    /// `vendor.reinstated` is written and the pages that now miss them purged, in one
    /// transaction. 404 without such a shop, 409 when it is not suspended.
    pub async fn reinstate_vendor(&self, vendor: VendorId) -> Result<StandingChanged> {
        let _t = QueryTimer::start(self.dialect().as_str(), "reinstate_vendor");
        let mut tx = WriteTx::begin(self).await?;
        if !currently_suspended(&mut tx, vendor).await? {
            return Err(Error::IllegalTransition {
                what: format!("shop {vendor}"),
                action: "reinstate",
                state: "not suspended",
            });
        }
        on_conn!(&mut tx, conn => sqlx::query(
            "UPDATE vendors SET suspended_at = NULL, suspension_reason = NULL WHERE id = $1",
        )
        .bind(vendor.get())
        .execute(&mut *conn)
        .await
        .map_err(Error::db("reinstating a shop"))?
        .rows_affected());
        let (purges, products) = purges_of(&mut tx, vendor).await?;
        tx.record_purges(&purges).await?;
        let payload = VendorReinstated { vendor_id: vendor.get(), products: products.len() as i64 };
        tx.emit(&Event::new(format!("vendor/{vendor}"), &payload)?, &Cause::current()).await?;
        tx.commit().await?;
        self.standing_changed(vendor, products).await
    }

    async fn standing_changed(&self, vendor: VendorId, products: Vec<ProductId>) -> Result<StandingChanged> {
        let standing = self
            .vendor_standing(vendor)
            .await?
            .ok_or_else(|| Error::NotFound { what: format!("shop {vendor}") })?;
        Ok(StandingChanged { standing, products })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_required_and_bounded() {
        assert_eq!(checked_reason("  counterfeit phones \n").unwrap(), "counterfeit phones");
        assert!(checked_reason("   ").is_err());
        assert!(checked_reason(&"x".repeat(MAX_REASON_CHARS + 1)).is_err());
        assert!(checked_reason(&"é".repeat(MAX_REASON_CHARS)).is_ok());
    }

    #[test]
    fn searched_words_match_literally() {
        assert_eq!(like_pattern(" Ade "), "%ade%");
        assert_eq!(like_pattern("100%_a\\"), "%100\\%\\_a\\\\%");
    }

    #[test]
    fn the_state_filter_reads_its_three_names() {
        assert_eq!(StandingFilter::parse("suspended").unwrap(), StandingFilter::Suspended);
        assert_eq!(StandingFilter::parse("active").unwrap(), StandingFilter::Active);
        assert_eq!(StandingFilter::parse("").unwrap(), StandingFilter::All);
        assert!(StandingFilter::parse("banned").is_err());
    }
}
