//! Running the relay and the consumers beside the server (`origin serve`) or alone
//! (`origin relay`), and stopping them with it.
//!
//! With JetStream the bus is connected in the background, retrying with backoff: the origin
//! serves (and takes orders, whose events wait in the outbox) while NATS is unreachable.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::bus::Bus;
use crate::consumer::Consumer;
use crate::jetstream::{JetStreamBus, StreamNames};
use crate::relay::{Relay, backoff};
use crate::runner::{RetryPolicy, Runner};
use linkedall_store::Store;

/// Which bus events go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BusChoice {
    /// Nothing is published: events stay in the outbox.
    Off,
    /// This process's memory (the embedded default).
    InProcess,
    JetStream {
        url: String,
        names: StreamNames,
    },
}

/// What runs: the relay, the consumers, or both.
#[derive(Clone)]
pub struct EventsPlan {
    pub bus: BusChoice,
    pub relay: bool,
    pub consumers: Vec<Arc<dyn Consumer>>,
    pub policy: RetryPolicy,
    pub poll_every: Duration,
    /// Outbox rows the relay publishes per round.
    pub batch: i64,
    /// Events a consumer applies per database transaction.
    pub consumer_batch: usize,
}

impl EventsPlan {
    pub fn off() -> EventsPlan {
        EventsPlan {
            bus: BusChoice::Off,
            relay: false,
            consumers: Vec::new(),
            policy: RetryPolicy::default(),
            poll_every: Duration::from_millis(200),
            batch: crate::relay::DEFAULT_BATCH,
            consumer_batch: crate::runner::DEFAULT_CONSUMER_BATCH,
        }
    }
}

/// Running relay and consumers; [`RunningEvents::stop`] ends them between events.
pub struct RunningEvents {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl RunningEvents {
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }

    /// Ends the tasks at once, as a crash would (fault tests).
    pub fn kill(self) {
        self.task.abort();
    }
}

/// Starts `plan` over `store`; `None` when the plan runs nothing.
pub fn spawn(store: Store, plan: EventsPlan) -> Option<RunningEvents> {
    if plan.bus == BusChoice::Off || (!plan.relay && plan.consumers.is_empty()) {
        return None;
    }
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(async move {
        let Some(bus) = connect(&plan.bus, stopped.clone()).await else { return };
        run_on(store, bus, plan, stopped).await;
    });
    Some(RunningEvents { stop, task })
}

/// Starts `plan` on an already connected `bus` (tests share one in-process bus).
pub fn spawn_on(store: Store, bus: Bus, plan: EventsPlan) -> RunningEvents {
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(run_on(store, bus, plan, stopped));
    RunningEvents { stop, task }
}

async fn run_on(store: Store, bus: Bus, plan: EventsPlan, stopped: watch::Receiver<bool>) {
    let mut tasks = tokio::task::JoinSet::new();
    if plan.relay {
        let relay = Relay::new(store.clone(), bus.clone()).with_batch(plan.batch);
        tasks.spawn(relay.run(plan.poll_every, stopped.clone()));
    }
    for consumer in plan.consumers {
        let runner =
            Runner::new(store.clone(), bus.clone(), consumer, plan.policy).with_batch(plan.consumer_batch);
        tasks.spawn(runner.run(stopped.clone()));
    }
    // Dropping the set (this task aborted) aborts them all.
    while tasks.join_next().await.is_some() {}
}

/// The bus of `choice`, connecting until it answers or `stopped` turns true.
async fn connect(choice: &BusChoice, mut stopped: watch::Receiver<bool>) -> Option<Bus> {
    match choice {
        BusChoice::Off => None,
        BusChoice::InProcess => Some(Bus::in_process()),
        BusChoice::JetStream { url, names } => {
            let mut failures = 0;
            loop {
                match JetStreamBus::connect(url, names.clone()).await {
                    Ok(bus) => {
                        tracing::info!(%url, stream = %names.stream, "connected to NATS JetStream");
                        return Some(Bus::JetStream(Box::new(bus)));
                    }
                    Err(error) => {
                        failures += 1;
                        let wait = backoff(failures).max(Duration::from_millis(500));
                        tracing::warn!(%error, retry_in_ms = wait.as_millis() as u64, "NATS JetStream unreachable; events wait in the outbox");
                        tokio::select! {
                            _ = stopped.changed() => return None,
                            _ = tokio::time::sleep(wait) => {}
                        }
                    }
                }
            }
        }
    }
}
