//! The origin's exchange rates at the edge, for prices shown in the shopper's currency.
//!
//! Read when a page is rendered (a miss), never on a hit: kept per instance and in the host's
//! cache (so a Spin instance, which lives for one request, reads its store instead of the
//! origin) for [`REFRESH_SECS`]; an origin that does not answer leaves the last rates in use,
//! and with none at all pages show the vendor's prices only.

use std::cell::RefCell;
use std::rc::Rc;

use linkedall_shared::FxRates;

use crate::host::{CacheKey, Cached, Host, Timestamp};
use crate::origin::fetch_document;
use crate::trace::RequestContext;

/// How long rates are used before they are read again.
pub const REFRESH_SECS: u64 = 600;
/// Host cache key of the rates.
pub const RATES_KEY: &str = "linkedall-fx-rates";

/// How long an instance that could read no rates at all waits before asking again.
pub const RETRY_SECS: u64 = 60;

thread_local! {
    /// The rates in use (none when none could be read) and when they were read.
    static RATES: RefCell<Option<(Option<Rc<FxRates>>, Timestamp)>> = const { RefCell::new(None) };
}

fn fresh(read_at: Timestamp, now: Timestamp, secs: u64) -> bool {
    now < read_at.plus_secs(secs) && now >= read_at
}

/// The rates to convert with, if any are known.
pub async fn current<H: Host>(host: &H, ctx: &RequestContext) -> Option<Rc<FxRates>> {
    let now = host.now();
    let held = RATES.with_borrow(|rates| rates.clone());
    if let Some((rates, read_at)) = &held
        && fresh(*read_at, now, if rates.is_some() { REFRESH_SECS } else { RETRY_SECS })
    {
        return rates.clone();
    }
    let held = held.and_then(|(rates, _)| rates);
    if let Some(entry) = host.cache_get(&CacheKey(RATES_KEY.into())).await
        && fresh(entry.stored_at, now, REFRESH_SECS)
        && let Some(rates) = entry.read_state::<FxRates>()
    {
        let rates = Rc::new(rates);
        RATES.set(Some((Some(rates.clone()), entry.stored_at)));
        return Some(rates);
    }
    match fetch_document::<FxRates, H>(host, "/api/v1/fx-rates", ctx).await {
        Ok(rates) => {
            if let Some(entry) = Cached::state(&rates, now, REFRESH_SECS as u32) {
                host.cache_put(&CacheKey(RATES_KEY.into()), entry).await;
            }
            metrics::counter!("edge_fx_rate_reads_total", "result" => "ok").increment(1);
            let rates = Rc::new(rates);
            RATES.set(Some((Some(rates.clone()), now)));
            Some(rates)
        }
        Err(error) => {
            metrics::counter!("edge_fx_rate_reads_total", "result" => "error").increment(1);
            tracing::warn!(%error, "exchange rates could not be read; keeping the last ones");
            // Ask again after a while, not on every page.
            RATES.set(Some((held.clone(), now)));
            held
        }
    }
}
