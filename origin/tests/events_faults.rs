//! Faults with the real NATS JetStream on PostgreSQL: the bus unreachable while orders are
//! taken, a relay killed mid-batch, a poison event dead-lettered and replayed after the fix.

mod events_support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use events_support::{Shop, eventually, execute, processed, scalar};
use futures_util::future::BoxFuture;
use linkedall_events::bus::Bus;
use linkedall_events::consumer::Consumer;
use linkedall_events::consumers::analytics::OrderAnalytics;
use linkedall_events::jetstream::StreamNames;
use linkedall_events::relay::{Relay, StoredEvent};
use linkedall_events::runner::RetryPolicy;
use linkedall_events::service::{self, BusChoice, EventsPlan};
use linkedall_events::{Error, Result};
use linkedall_events_schema::Envelope;
use linkedall_origin::testing::{TestNats, TestOptions};
use linkedall_store::write_tx::WriteTx;
use linkedall_store::{Backend, Store};
use reqwest::StatusCode;

fn policy() -> RetryPolicy {
    RetryPolicy {
        max_deliveries: 3,
        first_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(500),
    }
}

fn plan(bus: BusChoice, relay: bool, consumers: Vec<Arc<dyn Consumer>>) -> EventsPlan {
    EventsPlan {
        bus,
        relay,
        consumers,
        policy: policy(),
        poll_every: Duration::from_millis(20),
        batch: 10,
        consumer_batch: 64,
    }
}

async fn unsent(store: &Store) -> i64 {
    scalar(store, "SELECT count(*) FROM outbox WHERE published_at IS NULL").await
}

async fn analytics_orders(store: &Store) -> i64 {
    scalar(store, "SELECT CAST(COALESCE(sum(orders), 0) AS BIGINT) FROM order_analytics").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_are_taken_while_jetstream_is_unreachable_and_each_is_counted_once_after() {
    let Some(nats) = TestNats::new().await else { return };
    let Some(shop) = Shop::open(Backend::Postgres, TestOptions::default()).await else { return };
    let store = shop.store().clone();
    // A relay and consumer pointed at a port where nothing listens.
    let closed = BusChoice::JetStream { url: "nats://127.0.0.1:9".into(), names: nats.names.clone() };
    let stranded = service::spawn(store.clone(), plan(closed, true, vec![Arc::new(OrderAnalytics)])).unwrap();
    let [a, b, ..] = shop.products[..] else { panic!() };
    for _ in 0..6 {
        shop.order(&[(a, 1), (b, 1)]).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(unsent(&store).await, scalar(&store, "SELECT count(*) FROM outbox").await, "nothing left");
    assert_eq!(analytics_orders(&store).await, 0);
    stranded.stop().await;

    // JetStream is back: two relays side by side (SKIP LOCKED) and the consumer.
    let first =
        service::spawn(store.clone(), plan(nats.choice(), true, vec![Arc::new(OrderAnalytics)])).unwrap();
    let second = service::spawn(store.clone(), plan(nats.choice(), true, Vec::new())).unwrap();
    eventually("all six orders counted", || async {
        unsent(&store).await == 0 && analytics_orders(&store).await >= 6
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(analytics_orders(&store).await, 6, "each order counted once");
    assert_eq!(processed(&store, "order-analytics").await, 6);
    let events = scalar(&store, "SELECT count(*) FROM outbox").await as u64;
    assert_eq!(nats.bus.event_count().await.unwrap(), events, "each event in the stream once");
    first.stop().await;
    second.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_killed_mid_batch_loses_and_duplicates_nothing() {
    let Some(nats) = TestNats::new().await else { return };
    let Some(shop) = Shop::open(Backend::Postgres, TestOptions::default()).await else { return };
    let store = shop.store().clone();
    let [a, ..] = shop.products[..] else { panic!() };
    for _ in 0..12 {
        shop.order(&[(a, 1)]).await;
    }
    let total = scalar(&store, "SELECT count(*) FROM outbox").await as u64;
    let bus = Bus::JetStream(Box::new(nats.bus.clone()));

    // A relay that published the first five rows of its batch and died before marking them
    // sent (its transaction rolled back): exactly what the stream and the outbox then hold.
    let Store::Postgres(pool) = &store else { unreachable!() };
    let columns = "CAST(id AS TEXT) AS id, type AS kind, subject, payload, schema_version, traceparent, client_ip, \
                   country, seq, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS time";
    let first: Vec<StoredEvent> =
        sqlx::query_as(&format!("SELECT {columns} FROM outbox ORDER BY seq LIMIT 5"))
            .fetch_all(pool)
            .await
            .unwrap();
    for row in first {
        bus.publish(&row.into_envelope()).await.unwrap();
    }
    assert_eq!(unsent(&store).await as u64, total);

    // And a real relay task killed at whatever point it has reached.
    let killed = service::spawn_on(store.clone(), bus.clone(), plan(nats.choice(), true, Vec::new()));
    tokio::time::sleep(Duration::from_millis(15)).await;
    killed.kill();

    // A new relay and the consumer: every event once, in the stream and in the effect.
    // (Rows the killed relay still held stay locked until its connection rolls back; SKIP
    // LOCKED passes over them meanwhile, so this relay keeps going until none is left.)
    let relay = Relay::new(store.clone(), bus.clone()).with_batch(4);
    eventually("the outbox is drained", || async {
        relay.relay_batch().await.unwrap();
        unsent(&store).await == 0
    })
    .await;
    assert_eq!(nats.bus.event_count().await.unwrap(), total, "no gap and no duplicate in the stream");
    let consumer =
        service::spawn_on(store.clone(), bus, plan(nats.choice(), false, vec![Arc::new(OrderAnalytics)]));
    eventually("twelve orders counted", || async { analytics_orders(&store).await >= 12 }).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(analytics_orders(&store).await, 12);
    consumer.stop().await;
}

/// A consumer that fails while `broken`, and counts what it applied.
struct Picky {
    broken: Arc<AtomicBool>,
    applied: Arc<AtomicUsize>,
}

impl Consumer for Picky {
    fn name(&self) -> &'static str {
        "picky"
    }

    fn wants(&self, kind: &str) -> bool {
        kind == "order.created"
    }

    fn apply<'a>(&'a self, _tx: &'a mut WriteTx, _event: &'a Envelope) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            if self.broken.load(Ordering::SeqCst) {
                return Err(Error::Unprocessable("picky cannot read this order".into()));
            }
            self.applied.fetch_add(1, Ordering::SeqCst);
            Ok(())
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poison_event_is_dead_lettered_after_max_deliveries_and_replayed_after_the_fix() {
    let Some(nats) = TestNats::new().await else { return };
    let broken = Arc::new(AtomicBool::new(true));
    let applied = Arc::new(AtomicUsize::new(0));
    let picky: Arc<dyn Consumer> = Arc::new(Picky { broken: broken.clone(), applied: applied.clone() });
    let options = TestOptions { events: plan(nats.choice(), true, vec![picky]), ..TestOptions::default() };
    let Some(shop) = Shop::open(Backend::Postgres, options).await else { return };
    let store = shop.store().clone();
    let [a, ..] = shop.products[..] else { panic!() };
    shop.order(&[(a, 1)]).await;
    let admin = shop.admin().await;

    eventually("the poison event is dead-lettered", || async {
        scalar(&store, "SELECT count(*) FROM dead_letters").await == 1
    })
    .await;
    assert_eq!(nats.bus.dead_letter_count().await.unwrap(), 1, "in the dead-letter stream too");
    let (status, listed) = shop.get("/api/v1/admin/dead-letters", &admin).await;
    assert_eq!(status, StatusCode::OK);
    let letter = &listed["dead_letters"][0];
    assert_eq!((letter["consumer"].as_str(), letter["deliveries"].as_i64()), (Some("picky"), Some(3)));
    assert!(letter["error"].as_str().unwrap().contains("picky cannot read"), "{letter}");
    assert_eq!(applied.load(Ordering::SeqCst), 0);
    let (status, _) = shop.get("/api/v1/admin/dead-letters", &shop.token).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "shoppers do not see dead letters");

    let id = letter["id"].as_str().unwrap();
    let (status, _) = shop.post(&format!("/api/v1/admin/dead-letters/{id}/replay"), &admin).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "still broken: the replay fails and the letter stays"
    );
    broken.store(false, Ordering::SeqCst);
    let (status, replayed) = shop.post(&format!("/api/v1/admin/dead-letters/{id}/replay"), &admin).await;
    assert_eq!((status, replayed["outcome"].as_str()), (StatusCode::OK, Some("applied")), "{replayed}");
    assert_eq!(applied.load(Ordering::SeqCst), 1);
    let (status, _) = shop.post(&format!("/api/v1/admin/dead-letters/{id}/replay"), &admin).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a replayed letter is not replayed twice");
    assert_eq!(applied.load(Ordering::SeqCst), 1);
    let (_, listed) = shop.get("/api/v1/admin/dead-letters", &admin).await;
    assert_eq!(listed["dead_letters"].as_array().unwrap().len(), 0);
    let (status, _) = shop.post("/api/v1/admin/dead-letters/not-an-id/replay", &admin).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let _ = StreamNames::default();
}

/// A consumer that writes which transaction applied each event, and fails on the order whose
/// subject is `poison`.
struct Probe {
    poison: Arc<Mutex<Option<String>>>,
}

impl Consumer for Probe {
    fn name(&self) -> &'static str {
        "probe"
    }

    fn wants(&self, kind: &str) -> bool {
        kind == "order.created"
    }

    fn apply<'a>(&'a self, tx: &'a mut WriteTx, event: &'a Envelope) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            if self.poison.lock().unwrap().as_deref() == Some(event.subject.as_str()) {
                return Err(Error::Unprocessable("probe cannot read this order".into()));
            }
            let WriteTx::Postgres(tx) = tx else { unreachable!("these tests run on PostgreSQL") };
            sqlx::query("INSERT INTO batch_probe (event_id, tx) VALUES ($1, CAST(txid_current() AS BIGINT))")
                .bind(&event.id)
                .execute(&mut **tx)
                .await
                .map_err(linkedall_store::Error::db("probing"))?;
            Ok(())
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consumers_apply_waiting_events_in_batches_and_a_poison_one_fails_alone() {
    let Some(nats) = TestNats::new().await else { return };
    let Some(shop) = Shop::open(Backend::Postgres, TestOptions::default()).await else { return };
    let store = shop.store().clone();
    execute(&store, "CREATE TABLE batch_probe (event_id TEXT NOT NULL, tx BIGINT NOT NULL)").await;
    let poison = Arc::new(Mutex::new(None));
    let probe: Arc<dyn Consumer> = Arc::new(Probe { poison: poison.clone() });
    let [a, ..] = shop.products[..] else { panic!() };
    let probed = || scalar(&store, "SELECT count(*) FROM batch_probe");

    // Twelve orders wait on the stream before the consumer starts: it takes them in batches.
    let publish = || async {
        let relay = service::spawn(store.clone(), plan(nats.choice(), true, Vec::new())).unwrap();
        eventually("the outbox is published", || async { unsent(&store).await == 0 }).await;
        relay.stop().await;
    };
    for _ in 0..12 {
        shop.order(&[(a, 1)]).await;
    }
    publish().await;
    let consumer = service::spawn(store.clone(), plan(nats.choice(), false, vec![probe.clone()])).unwrap();
    eventually("twelve orders probed", || async { probed().await == 12 }).await;
    consumer.stop().await;
    let transactions = scalar(&store, "SELECT count(DISTINCT tx) FROM batch_probe").await;
    assert!(transactions < 12, "waiting events share transactions ({transactions} for 12)");

    // Six more, one of them poison: the batch rolls back, the others are applied one by one,
    // once each, and the poison one alone is dead-lettered after its last delivery.
    let mut orders = Vec::new();
    for _ in 0..6 {
        orders.push(shop.order(&[(a, 1)]).await);
    }
    *poison.lock().unwrap() = Some(format!("order/{}", orders[2]));
    publish().await;
    let consumer = service::spawn(store.clone(), plan(nats.choice(), false, vec![probe])).unwrap();
    eventually("the poison event is dead-lettered and the others applied", || async {
        scalar(&store, "SELECT count(*) FROM dead_letters WHERE consumer = 'probe'").await == 1
            && probed().await == 17
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    consumer.stop().await;
    assert_eq!(probed().await, 17, "nothing applied twice");
    assert_eq!(scalar(&store, "SELECT count(DISTINCT event_id) FROM batch_probe").await, 17);
    assert_eq!(processed(&store, "probe").await, 17);
    let letter = scalar(
        &store,
        &format!(
            "SELECT count(*) FROM dead_letters d JOIN outbox o ON CAST(o.id AS TEXT) = d.event_id \
             WHERE o.subject = 'order/{}' AND d.deliveries = 3",
            orders[2]
        ),
    )
    .await;
    assert_eq!(letter, 1, "the poison event, after three deliveries");
    assert_eq!(nats.bus.dead_letter_count().await.unwrap(), 1);
}
