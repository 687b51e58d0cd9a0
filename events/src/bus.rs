//! Where published events go and consumers read them from: NATS JetStream in production and
//! CI, or an in-process log for the embedded default. Both give the same guarantees the
//! relay and the runner rely on: a publication of an id already published is dropped, a
//! delivery is redelivered (after the delay asked for) until it is acknowledged, and each
//! consumer has its own position.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

use crate::error::Result;
use crate::jetstream::{JetStreamBus, JetStreamDelivery, JetStreamSubscription};
use linkedall_events_schema::Envelope;

/// The bus an origin publishes to.
#[derive(Clone)]
pub enum Bus {
    InProcess(InProcessBus),
    JetStream(Box<JetStreamBus>),
}

/// Whether the bus kept a publication or dropped it as a duplicate of an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    New,
    Duplicate,
}

impl Bus {
    pub fn in_process() -> Bus {
        Bus::InProcess(InProcessBus::default())
    }

    pub fn name(&self) -> &'static str {
        match self {
            Bus::InProcess(_) => "in-process",
            Bus::JetStream(_) => "jetstream",
        }
    }

    /// Publishes `envelope`, returning once the bus has stored it.
    pub async fn publish(&self, envelope: &Envelope) -> Result<Published> {
        match self {
            Bus::InProcess(bus) => Ok(bus.publish(envelope)),
            Bus::JetStream(bus) => {
                Ok(if bus.publish(envelope).await? { Published::Duplicate } else { Published::New })
            }
        }
    }

    /// The deliveries of `consumer`, from where it left off (durable on JetStream).
    pub async fn subscribe(&self, consumer: &str, max_deliveries: u32) -> Result<Subscription> {
        match self {
            Bus::InProcess(bus) => Ok(Subscription::InProcess(bus.subscribe())),
            Bus::JetStream(bus) => {
                Ok(Subscription::JetStream(Box::new(bus.subscribe(consumer, max_deliveries).await?)))
            }
        }
    }

    /// Sends a message that failed its last delivery to the dead-letter stream (JetStream);
    /// the in-process bus keeps dead letters only in the database.
    pub async fn dead_letter(&self, consumer: &str, envelope: &Envelope, error: &str) -> Result<()> {
        match self {
            Bus::InProcess(_) => Ok(()),
            Bus::JetStream(bus) => bus.dead_letter(consumer, envelope, error).await,
        }
    }
}

/// An append-only log in this process's memory, deduplicated by event id. It lives as long as
/// the process: the outbox, not the bus, is the durable record (a restarted relay republishes
/// nothing already marked sent, and consumers' processed ids live in the database).
#[derive(Clone, Default)]
pub struct InProcessBus {
    log: Arc<Mutex<Log>>,
    appended: Arc<Notify>,
}

#[derive(Default)]
struct Log {
    events: Vec<Envelope>,
    ids: HashSet<String>,
}

impl InProcessBus {
    fn publish(&self, envelope: &Envelope) -> Published {
        let mut log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        if !log.ids.insert(envelope.id.clone()) {
            return Published::Duplicate;
        }
        log.events.push(envelope.clone());
        drop(log);
        self.appended.notify_waiters();
        Published::New
    }

    fn subscribe(&self) -> InProcessSubscription {
        InProcessSubscription { bus: self.clone(), position: 0, retries: VecDeque::new() }
    }

    /// How many events the log holds.
    pub fn len(&self) -> usize {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One consumer's position in the in-process log, and its deliveries waiting to be retried.
pub struct InProcessSubscription {
    bus: InProcessBus,
    position: usize,
    retries: VecDeque<(Instant, Envelope, u32)>,
}

impl InProcessSubscription {
    async fn next(&mut self) -> Delivery {
        loop {
            let now = Instant::now();
            if let Some(index) = self.retries.iter().position(|(due, _, _)| *due <= now)
                && let Some((_, envelope, attempt)) = self.retries.remove(index)
            {
                return Delivery { envelope: Ok(envelope), attempt, handle: Handle::InProcess };
            }
            let appended = self.bus.appended.notified();
            let next = {
                let log = self.bus.log.lock().unwrap_or_else(|p| p.into_inner());
                log.events.get(self.position).cloned()
            };
            if let Some(envelope) = next {
                self.position += 1;
                return Delivery { envelope: Ok(envelope), attempt: 1, handle: Handle::InProcess };
            }
            let next_retry = self.retries.iter().map(|(due, _, _)| *due).min();
            match next_retry {
                Some(due) => {
                    let _ = tokio::time::timeout_at(due, appended).await;
                }
                None => appended.await,
            }
        }
    }
}

pub enum Subscription {
    InProcess(InProcessSubscription),
    JetStream(Box<JetStreamSubscription>),
}

impl Subscription {
    /// The next delivery; `None` when the bus closed the subscription.
    pub async fn next(&mut self) -> Option<Result<Delivery>> {
        match self {
            Subscription::InProcess(subscription) => Some(Ok(subscription.next().await)),
            Subscription::JetStream(subscription) => {
                Some(subscription.next().await?.map(|message| Delivery {
                    envelope: message.envelope(),
                    attempt: message.attempt(),
                    handle: Handle::JetStream(Box::new(message)),
                }))
            }
        }
    }

    /// Asks for `delivery` again after `delay` (a NAK with delay on JetStream).
    pub async fn retry(&mut self, delivery: Delivery, delay: Duration) -> Result<()> {
        match (self, delivery.handle) {
            (Subscription::InProcess(subscription), Handle::InProcess) => {
                if let Ok(envelope) = delivery.envelope {
                    subscription.retries.push_back((Instant::now() + delay, envelope, delivery.attempt + 1));
                }
                Ok(())
            }
            (_, Handle::JetStream(message)) => message.retry(delay).await,
            (Subscription::JetStream(_), Handle::InProcess) => Ok(()),
        }
    }
}

/// One delivery of one event to one consumer. `envelope` is an error when the message on
/// the bus is not a readable CloudEvent (it goes straight to the dead letters).
pub struct Delivery {
    pub envelope: Result<Envelope>,
    /// 1 for the first delivery.
    pub attempt: u32,
    pub(crate) handle: Handle,
}

pub(crate) enum Handle {
    InProcess,
    JetStream(Box<JetStreamDelivery>),
}

impl Delivery {
    /// Done with: never delivered to this consumer again.
    pub async fn ack(self) -> Result<()> {
        match self.handle {
            Handle::InProcess => Ok(()),
            Handle::JetStream(message) => message.ack().await,
        }
    }
}
