//! NATS JetStream as the bus: one stream holds every event (`<prefix>.<type>` subjects), one
//! durable pull consumer per consumer name reads it with explicit acks, and a second stream
//! holds the dead letters (`<dead prefix>.<consumer>`), each with its error in a header.
//!
//! Publications carry `Nats-Msg-Id` = the event id, so the stream drops a second publication
//! of the same event within its duplicate window (2 minutes): a relay that published and died
//! before marking the row sent republishes it harmlessly.

use std::time::Duration;

use async_nats::HeaderMap;
use async_nats::jetstream::consumer::{AckPolicy, DeliverPolicy, PullConsumer, pull};
use async_nats::jetstream::{self, AckKind, stream};
use futures_util::StreamExt;

use crate::error::{Error, Result};
use linkedall_events_schema::Envelope;

/// Names of the streams and subjects; tests use unique ones so they can run side by side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamNames {
    pub stream: String,
    pub subject_prefix: String,
    pub dead_stream: String,
    pub dead_subject_prefix: String,
}

impl Default for StreamNames {
    fn default() -> Self {
        Self::with_stream("LINKEDALL_EVENTS", "linkedall")
    }
}

impl StreamNames {
    /// `stream` and `<stream>_DEAD`, subjects `<subjects>.events.<type>` and `<subjects>.dead.<consumer>`.
    pub fn with_stream(stream: &str, subjects: &str) -> Self {
        Self {
            stream: stream.to_owned(),
            subject_prefix: format!("{subjects}.events"),
            dead_stream: format!("{stream}_DEAD"),
            dead_subject_prefix: format!("{subjects}.dead"),
        }
    }
}

/// How long one publication may wait for the stream's acknowledgement.
const ACK_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a delivery may stay unacknowledged before JetStream redelivers it.
const ACK_WAIT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct JetStreamBus {
    context: jetstream::Context,
    names: StreamNames,
}

fn bus_error(during: &'static str) -> impl FnOnce(String) -> Error {
    move |e| Error::EventBus(format!("{during}: {e}"))
}

impl JetStreamBus {
    /// Connects and makes sure both streams exist.
    pub async fn connect(url: &str, names: StreamNames) -> Result<JetStreamBus> {
        let client = async_nats::ConnectOptions::new()
            .connection_timeout(Duration::from_secs(2))
            .name("linkedall-origin")
            .connect(url)
            .await
            .map_err(|e| Error::EventBus(format!("connecting to NATS at {url}: {e}")))?;
        let mut context = jetstream::new(client);
        context.set_timeout(ACK_TIMEOUT);
        let bus = JetStreamBus { context, names };
        bus.ensure_streams().await?;
        Ok(bus)
    }

    pub fn names(&self) -> &StreamNames {
        &self.names
    }

    async fn ensure_streams(&self) -> Result<()> {
        for (name, prefix) in [
            (&self.names.stream, &self.names.subject_prefix),
            (&self.names.dead_stream, &self.names.dead_subject_prefix),
        ] {
            self.context
                .get_or_create_stream(stream::Config {
                    name: name.clone(),
                    subjects: vec![format!("{prefix}.>")],
                    duplicate_window: Duration::from_secs(120),
                    storage: stream::StorageType::File,
                    ..Default::default()
                })
                .await
                .map_err(|e| Error::EventBus(format!("creating the stream {name}: {e}")))?;
        }
        Ok(())
    }

    /// Deletes both streams (tests clean up after themselves with it).
    pub async fn delete_streams(&self) -> Result<()> {
        for name in [&self.names.stream, &self.names.dead_stream] {
            let _ = self.context.delete_stream(name).await;
        }
        Ok(())
    }

    /// Publishes `envelope`; `true` when the stream already held its id (a duplicate, dropped).
    pub(crate) async fn publish(&self, envelope: &Envelope) -> Result<bool> {
        let subject = format!("{}.{}", self.names.subject_prefix, envelope.kind);
        let mut headers = HeaderMap::new();
        headers.insert("Nats-Msg-Id", envelope.id.as_str());
        headers.insert("Content-Type", "application/cloudevents+json");
        if let Some(traceparent) = &envelope.traceparent {
            headers.insert("traceparent", traceparent.as_str());
        }
        let ack = self
            .context
            .publish_with_headers(subject, headers, envelope.to_json().into())
            .await
            .map_err(|e| bus_error("publishing an event")(e.to_string()))?
            .await
            .map_err(|e| bus_error("waiting for the stream's acknowledgement")(e.to_string()))?;
        Ok(ack.duplicate)
    }

    /// The durable pull consumer `consumer` over every event, created on first use.
    pub(crate) async fn subscribe(
        &self,
        consumer: &str,
        max_deliveries: u32,
    ) -> Result<JetStreamSubscription> {
        let stream = self
            .context
            .get_stream(&self.names.stream)
            .await
            .map_err(|e| bus_error("opening the event stream")(e.to_string()))?;
        let pull: PullConsumer = stream
            .get_or_create_consumer(
                consumer,
                pull::Config {
                    durable_name: Some(consumer.to_owned()),
                    ack_policy: AckPolicy::Explicit,
                    deliver_policy: DeliverPolicy::All,
                    ack_wait: ACK_WAIT,
                    // The runner dead-letters at `max_deliveries`; the server's limit is a
                    // backstop for a runner that keeps dying mid-message.
                    max_deliver: i64::from(max_deliveries) + 2,
                    filter_subject: format!("{}.>", self.names.subject_prefix),
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| bus_error("creating the durable consumer")(e.to_string()))?;
        let messages =
            pull.messages().await.map_err(|e| bus_error("reading the durable consumer")(e.to_string()))?;
        Ok(JetStreamSubscription { messages })
    }

    pub(crate) async fn dead_letter(&self, consumer: &str, envelope: &Envelope, error: &str) -> Result<()> {
        let subject = format!("{}.{consumer}", self.names.dead_subject_prefix);
        let mut headers = HeaderMap::new();
        headers.insert("Nats-Msg-Id", format!("{consumer}:{}", envelope.id).as_str());
        headers.insert("Linkedall-Consumer", consumer);
        // Header values are one line.
        headers.insert("Linkedall-Error", error.replace(['\r', '\n'], " ").as_str());
        self.context
            .publish_with_headers(subject, headers, envelope.to_json().into())
            .await
            .map_err(|e| bus_error("publishing a dead letter")(e.to_string()))?
            .await
            .map_err(|e| bus_error("waiting for the dead-letter stream")(e.to_string()))?;
        Ok(())
    }

    /// How many events the event stream holds.
    pub async fn event_count(&self) -> Result<u64> {
        self.count(&self.names.stream).await
    }

    /// How many dead letters the dead-letter stream holds.
    pub async fn dead_letter_count(&self) -> Result<u64> {
        self.count(&self.names.dead_stream).await
    }

    async fn count(&self, name: &str) -> Result<u64> {
        let mut stream =
            self.context.get_stream(name).await.map_err(|e| bus_error("opening a stream")(e.to_string()))?;
        let info = stream.info().await.map_err(|e| bus_error("reading a stream")(e.to_string()))?;
        Ok(info.state.messages)
    }
}

pub struct JetStreamSubscription {
    messages: pull::Stream,
}

impl JetStreamSubscription {
    pub(crate) async fn next(&mut self) -> Option<Result<JetStreamDelivery>> {
        Some(match self.messages.next().await? {
            Ok(message) => Ok(JetStreamDelivery(message)),
            Err(e) => Err(Error::EventBus(format!("receiving from the durable consumer: {e}"))),
        })
    }
}

/// A JetStream message awaiting its acknowledgement.
pub(crate) struct JetStreamDelivery(jetstream::Message);

impl JetStreamDelivery {
    /// The event it carries; an error when the message is not a readable CloudEvent.
    pub(crate) fn envelope(&self) -> Result<Envelope> {
        Envelope::from_json(&self.0.payload).map_err(Error::from)
    }

    /// 1 for the first delivery.
    pub(crate) fn attempt(&self) -> u32 {
        self.0.info().map(|i| u32::try_from(i.delivered).unwrap_or(1)).unwrap_or(1)
    }

    pub(crate) async fn ack(self) -> Result<()> {
        // Double ack: the server confirms it, so a crash right after cannot redeliver it.
        self.0.double_ack().await.map_err(|e| Error::EventBus(format!("acknowledging a delivery: {e}")))
    }

    pub(crate) async fn retry(self, delay: Duration) -> Result<()> {
        self.0
            .ack_with(AckKind::Nak(Some(delay)))
            .await
            .map_err(|e| Error::EventBus(format!("asking for a redelivery: {e}")))
    }
}
