#!/usr/bin/env bash
# Events per second through the relay (outbox → JetStream) and every consumer, and their lag,
# while the order benchmark runs at full speed: benches/orders.sh with the relay and consumers
# on a JetStream stream of its own. Needs what benches/orders.sh needs, and NATS (NATS_URL,
# default nats://127.0.0.1:4222).
#
#   bash benches/events.sh                       # wrk -c64 for 15 s
#   DURATION=30 bash benches/events.sh
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=${EVENTS:-jetstream} SKIP_PGBENCH=1 exec bash benches/orders.sh
