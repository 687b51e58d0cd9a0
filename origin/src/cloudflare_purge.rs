//! Cloudflare's purge API, fed from the purge journal: in production the Workers adapter keeps
//! pages in Cloudflare's cache, and this forwarder makes every purge in the journal (an
//! admin's, or a catalog change's) reach it there too.
//!
//! Cloudflare limits purge calls per account — on the free plan 5 a minute with a bucket of
//! 25, and at most 100 tags, URLs or prefixes in one call on every plan — so purges are
//! queued, merged (duplicates, and everything when a purge-everything is pending) and sent in
//! batches as the plan's token bucket allows. Nothing is dropped: the journal position this
//! forwarder has handled is saved only once its queue is empty, so after a restart or a
//! failed call the purges are read and sent again (purging twice is harmless). The queue's
//! depth is the `cloudflare_purge_queue_depth` gauge.
//!
//! Pages live in the Cache API under `https://<host>/__linkedall-edge-cache/<key>`, with a
//! `Cache-Tag` header: tags purge by tag, and a URL or prefix purge becomes a prefix purge of
//! those keys (every variant of the page).

use std::collections::BTreeSet;
use std::time::Duration;

use clap::ValueEnum;
use linkedall_shared::{EDGE_CACHE_KEY_PATH, EDGE_CACHE_KEY_VERSION, MAX_SELECTORS_PER_PURGE, PurgeSelector};
use serde_json::{Value, json};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::error::{Error, Result};
use linkedall_store::Store;

/// The journal reader name this forwarder saves its position under, and reports its queue as.
pub const READER: &str = "cloudflare";

/// How often the forwarder reports its queue when nothing changed; a report older than
/// [`REPORT_STALE_AFTER`] means no forwarder is running.
const REPORT_EVERY: Duration = Duration::from_secs(30);
/// See [`REPORT_EVERY`].
pub const REPORT_STALE_AFTER: Duration = Duration::from_secs(120);

/// Cloudflare plans, for their purge rate limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PurgePlan {
    Free,
    Pro,
    Business,
    Enterprise,
}

/// How many purge calls may be made: a token bucket, and selectors per call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PurgeBudget {
    pub calls_per_second: f64,
    pub bucket: u32,
    pub selectors_per_call: usize,
}

impl PurgePlan {
    /// Cloudflare's published limits for tag, prefix and host purges.
    pub fn budget(self) -> PurgeBudget {
        let (calls_per_second, bucket) = match self {
            PurgePlan::Free => (5.0 / 60.0, 25),
            PurgePlan::Pro => (5.0, 25),
            PurgePlan::Business => (10.0, 50),
            PurgePlan::Enterprise => (50.0, 500),
        };
        PurgeBudget { calls_per_second, bucket, selectors_per_call: MAX_SELECTORS_PER_PURGE }
    }
}

/// Where and how to call Cloudflare.
#[derive(Clone)]
pub struct CloudflareSettings {
    /// `https://api.cloudflare.com/client/v4`; tests point it at a local imitation.
    pub api_base: String,
    pub zone_id: String,
    pub api_token: String,
    /// The shop's host name (`linkedall.africa`), which prefixes cache keys.
    pub shop_host: String,
    pub budget: PurgeBudget,
    /// How often the journal is read for new purges.
    pub poll_every: Duration,
}

impl std::fmt::Debug for CloudflareSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudflareSettings")
            .field("api_base", &self.api_base)
            .field("zone_id", &self.zone_id)
            .field("api_token", &"<redacted>")
            .field("shop_host", &self.shop_host)
            .field("budget", &self.budget)
            .finish()
    }
}

/// Calls allowed now, refilled continuously up to the bucket.
#[derive(Debug)]
pub struct TokenBucket {
    budget: PurgeBudget,
    tokens: f64,
    refilled_at: Instant,
}

impl TokenBucket {
    pub fn new(budget: PurgeBudget, now: Instant) -> TokenBucket {
        TokenBucket { budget, tokens: f64::from(budget.bucket), refilled_at: now }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.refilled_at).as_secs_f64();
        self.tokens =
            (self.tokens + elapsed * self.budget.calls_per_second).min(f64::from(self.budget.bucket));
        self.refilled_at = now;
    }

    /// How long from `now` until a call is allowed (zero when one is allowed now).
    pub fn wait(&mut self, now: Instant) -> Duration {
        self.refill(now);
        if self.tokens >= 1.0 || self.budget.calls_per_second <= 0.0 {
            return Duration::ZERO;
        }
        Duration::from_secs_f64((1.0 - self.tokens) / self.budget.calls_per_second)
    }

    /// Takes one call's token if there is one.
    pub fn try_take(&mut self, now: Instant) -> bool {
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Purges waiting to be sent, merged.
#[derive(Debug, Default)]
pub struct PurgeQueue {
    pending: BTreeSet<PurgeSelector>,
}

/// One call's worth of purges.
#[derive(Debug, Clone, PartialEq)]
pub enum PurgeCall {
    Everything,
    Tags(Vec<String>),
    /// Cache-key prefixes (`linkedall.africa/__linkedall-edge-cache/v1%7C%2Fc%2F`).
    Prefixes(Vec<String>),
}

impl PurgeQueue {
    pub fn add(&mut self, selectors: impl IntoIterator<Item = PurgeSelector>) {
        self.pending.extend(selectors);
        if self.pending.contains(&PurgeSelector::Everything) {
            // Everything covers every other purge.
            self.pending = BTreeSet::from([PurgeSelector::Everything]);
        }
        metrics::gauge!("cloudflare_purge_queue_depth").set(self.pending.len() as f64);
    }

    pub fn len(&self) -> usize {
        self.pending.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// The next call to make, and the selectors it covers (removed once it succeeded).
    pub fn next_call(&self, shop_host: &str, per_call: usize) -> Option<(PurgeCall, Vec<PurgeSelector>)> {
        let first = self.pending.iter().next()?;
        if *first == PurgeSelector::Everything {
            return Some((PurgeCall::Everything, vec![PurgeSelector::Everything]));
        }
        let tags: Vec<PurgeSelector> = self
            .pending
            .iter()
            .filter(|s| matches!(s, PurgeSelector::Tag(_)))
            .take(per_call)
            .cloned()
            .collect();
        if !tags.is_empty() {
            let names = tags
                .iter()
                .filter_map(|s| if let PurgeSelector::Tag(t) = s { Some(t.clone()) } else { None });
            return Some((PurgeCall::Tags(names.collect()), tags));
        }
        let paths: Vec<PurgeSelector> = self.pending.iter().take(per_call).cloned().collect();
        let prefixes = paths
            .iter()
            .filter_map(|s| match s {
                PurgeSelector::Url(path) => Some(key_prefix(shop_host, &format!("{path}|"))),
                PurgeSelector::Prefix(prefix) => Some(key_prefix(shop_host, prefix)),
                _ => None,
            })
            .collect();
        Some((PurgeCall::Prefixes(prefixes), paths))
    }

    pub fn remove(&mut self, sent: &[PurgeSelector]) {
        for selector in sent {
            self.pending.remove(selector);
        }
        metrics::gauge!("cloudflare_purge_queue_depth").set(self.pending.len() as f64);
    }
}

/// The Cloudflare prefix (host and path, no scheme) of every cache key starting with `path`.
fn key_prefix(shop_host: &str, path: &str) -> String {
    format!(
        "{shop_host}{EDGE_CACHE_KEY_PATH}{}",
        encode_uri_component(&format!("{EDGE_CACHE_KEY_VERSION}|{path}"))
    )
}

/// JavaScript's `encodeURIComponent`, which the Workers adapter uses to build cache keys.
fn encode_uri_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'!'
            | b'~'
            | b'*'
            | b'\''
            | b'('
            | b')' => out.push(char::from(byte)),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// Reads the journal and sends its purges to Cloudflare until stopped.
pub struct CloudflarePurger {
    store: Store,
    settings: CloudflareSettings,
    client: reqwest::Client,
}

/// Tells a running forwarder to stop.
pub struct StopPurging(watch::Sender<bool>);

impl StopPurging {
    pub fn stop(self) {
        let _ = self.0.send(true);
    }
}

impl CloudflarePurger {
    pub fn new(store: Store, settings: CloudflareSettings) -> Result<CloudflarePurger> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| Error::Config(format!("HTTP client for Cloudflare: {e}")))?;
        Ok(CloudflarePurger { store, settings, client })
    }

    pub fn spawn(self) -> (StopPurging, tokio::task::JoinHandle<()>) {
        let (stop, stopped) = watch::channel(false);
        (StopPurging(stop), tokio::spawn(self.run(stopped)))
    }

    async fn run(self, mut stopped: watch::Receiver<bool>) {
        tracing::info!(settings = ?self.settings, "Cloudflare purge forwarder started");
        let mut bucket = TokenBucket::new(self.settings.budget, Instant::now());
        let mut queue = PurgeQueue::default();
        // The journal position read so far; saved once everything up to it has been sent.
        let mut read_up_to = match self.store.purge_reader_position(READER).await {
            Ok(seq) => seq,
            Err(error) => {
                tracing::error!(%error, "cannot read the forwarder's journal position; starting from the start");
                0
            }
        };
        let mut saved = read_up_to;
        let mut reported: Option<(usize, Instant)> = None;
        loop {
            match self.store.purge_feed(read_up_to).await {
                Ok(feed) => {
                    read_up_to = read_up_to.max(feed.latest as i64);
                    if feed.truncated {
                        // More than one feed behind: Cloudflare is told to forget everything.
                        queue.add([PurgeSelector::Everything]);
                    }
                    queue.add(feed.purges.into_iter().map(|p| p.selector));
                }
                Err(error) => tracing::warn!(%error, "purge journal unreadable; retrying"),
            }
            while !queue.is_empty() && bucket.try_take(Instant::now()) {
                let Some((call, covered)) =
                    queue.next_call(&self.settings.shop_host, self.settings.budget.selectors_per_call)
                else {
                    break;
                };
                match self.send(&call).await {
                    Ok(()) => queue.remove(&covered),
                    Err(error) => {
                        tracing::warn!(%error, queued = queue.len(), "Cloudflare purge failed; kept for the next try");
                        break;
                    }
                }
            }
            self.report(&mut reported, &queue, &mut bucket).await;
            if queue.is_empty() && read_up_to > saved {
                match self.store.advance_purge_reader(READER, read_up_to).await {
                    Ok(()) => saved = read_up_to,
                    Err(error) => tracing::warn!(%error, "cannot save the forwarder's journal position"),
                }
            }
            tokio::select! {
                _ = stopped.changed() => break,
                _ = tokio::time::sleep(self.settings.poll_every) => {}
            }
        }
        tracing::info!(queued = queue.len(), "Cloudflare purge forwarder stopped");
    }

    /// Writes the queue's depth and the wait until the next call for admins to see, when the
    /// depth changed or [`REPORT_EVERY`] passed since the last report.
    async fn report(
        &self,
        reported: &mut Option<(usize, Instant)>,
        queue: &PurgeQueue,
        bucket: &mut TokenBucket,
    ) {
        let now = Instant::now();
        let due = reported.is_none_or(|(depth, at)| depth != queue.len() || now - at >= REPORT_EVERY);
        if !due {
            return;
        }
        let wait = if queue.is_empty() { Duration::ZERO } else { bucket.wait(now) };
        metrics::gauge!("cloudflare_purge_next_call_seconds").set(wait.as_secs_f64());
        match self.store.report_purge_forwarding(READER, queue.len() as i64, wait.as_secs_f64()).await {
            Ok(()) => *reported = Some((queue.len(), now)),
            Err(error) => tracing::warn!(%error, "cannot report the forwarder's queue"),
        }
    }

    /// One call to `POST /zones/{zone}/purge_cache`.
    async fn send(&self, call: &PurgeCall) -> Result<()> {
        let body: Value = match call {
            PurgeCall::Everything => json!({ "purge_everything": true }),
            PurgeCall::Tags(tags) => json!({ "tags": tags }),
            PurgeCall::Prefixes(prefixes) => json!({ "prefixes": prefixes }),
        };
        let url = format!(
            "{}/zones/{}/purge_cache",
            self.settings.api_base.trim_end_matches('/'),
            self.settings.zone_id
        );
        let response = self
            .client
            .post(&url)
            .bearer_auth(&self.settings.api_token)
            .json(&body)
            .send()
            .await
            .map_err(|e| Error::Upstream(format!("Cloudflare purge call failed: {e}")))?;
        let status = response.status();
        let reply: Value = response.json().await.unwrap_or(Value::Null);
        if status.is_success() && reply["success"] == json!(true) {
            metrics::counter!("cloudflare_purge_calls_total", "result" => "ok").increment(1);
            tracing::info!(?call, "Cloudflare purge sent");
            Ok(())
        } else {
            let result = if status.as_u16() == 429 { "rate_limited" } else { "error" };
            metrics::counter!("cloudflare_purge_calls_total", "result" => result).increment(1);
            Err(Error::Upstream(format!("Cloudflare answered {status}: {}", reply["errors"])))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_free_plan_allows_a_burst_of_25_then_5_a_minute() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(PurgePlan::Free.budget(), start);
        assert_eq!((0..40).filter(|_| bucket.try_take(start)).count(), 25);
        assert!(!bucket.try_take(start + Duration::from_secs(11)));
        assert!(bucket.try_take(start + Duration::from_secs(12)), "one call every 12 s");
        assert!(!bucket.try_take(start + Duration::from_secs(13)));
    }

    #[test]
    fn the_wait_for_the_next_call_counts_down_as_the_bucket_refills() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(PurgePlan::Free.budget(), start);
        assert_eq!(bucket.wait(start), Duration::ZERO, "a full bucket allows a call now");
        while bucket.try_take(start) {}
        let wait = bucket.wait(start).as_secs_f64();
        assert!((wait - 12.0).abs() < 0.01, "one call every 12 s on the free plan, got {wait}");
        let later = bucket.wait(start + Duration::from_secs(5)).as_secs_f64();
        assert!((later - 7.0).abs() < 0.01, "{later}");
        assert_eq!(bucket.wait(start + Duration::from_secs(12)), Duration::ZERO);
    }

    #[test]
    fn purges_are_merged_and_batched_by_kind_within_the_call_limit() {
        let mut queue = PurgeQueue::default();
        queue.add((0..150).map(|i| PurgeSelector::Tag(format!("product:{i}"))));
        queue.add([PurgeSelector::Tag("product:3".into()), PurgeSelector::Url("/c/a b".into())]);
        assert_eq!(queue.len(), 151, "duplicates merged");
        let (call, covered) = queue.next_call("linkedall.africa", 100).unwrap();
        assert!(matches!(&call, PurgeCall::Tags(tags) if tags.len() == 100));
        queue.remove(&covered);
        let (_, covered) = queue.next_call("linkedall.africa", 100).unwrap();
        assert_eq!(covered.len(), 50);
        queue.remove(&covered);
        let (call, _) = queue.next_call("linkedall.africa", 100).unwrap();
        assert_eq!(
            call,
            PurgeCall::Prefixes(vec![format!(
                "linkedall.africa/__linkedall-edge-cache/{}%7C%2Fc%2Fa%20b%7C",
                linkedall_shared::EDGE_CACHE_KEY_VERSION
            )])
        );
        queue.add([PurgeSelector::Everything]);
        assert_eq!(queue.next_call("x", 100).unwrap().0, PurgeCall::Everything);
        assert_eq!(queue.len(), 1, "everything covers the rest");
    }
}
