#!/usr/bin/env bash
# Orders per second through `POST /api/v1/orders` on PostgreSQL, beside pgbench running the
# same checkout transaction straight against the database.
#
#   bash benches/orders.sh       # needs PostgreSQL (DATABASE_URL's server), wrk, pgbench, psql, curl
#
# Creates a fresh database `linkedall_bench` on that server, seeds PRODUCTS products with
# unlimited stock, starts the origin (release build, logs at warn), registers SHOPPERS shoppers
# (their bearer tokens rotate in the wrk script), then runs
#   wrk -t2 -c$CONNECTIONS -d${DURATION}s -s benches/orders/orders.lua   (each request a new order)
#   pgbench -M prepared -c$PG_CLIENTS -j2 -T$DURATION -f benches/orders/checkout.sql
# and prints one table with both and the ratio. Everything runs on this machine, so the load
# generator shares the cores with the origin and PostgreSQL.
#
#   EVENTS=jetstream bash benches/orders.sh   # the events benchmark (benches/events.sh)
#
# With EVENTS set (jetstream or in-process) the origin runs the relay and every consumer on that
# bus (JetStream: a stream of this run's own, deleted afterwards); after wrk it waits for the
# consumers to catch up and prints benches/events/report.sql: events per second and lag per stage.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in wrk pgbench psql curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool (Debian: apt-get install wrk postgresql-client curl)" >&2; exit 1; }
done

server=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
server=${server%/*}
db_url="$server/linkedall_bench"
port=${ORIGIN_PORT:-18080}
products=${PRODUCTS:-1000}
shoppers=${SHOPPERS:-128}
duration=${DURATION:-15}
connections=${CONNECTIONS:-64}
pg_clients=${PG_CLIENTS:-16}
db_connections=${DB_CONNECTIONS:-16}
events=${EVENTS:-}
events_args=()
stream=
if [ -n "$events" ]; then
  events_args=(--events "$events")
  if [ "$events" = jetstream ]; then
    nats_url=${NATS_URL:-nats://127.0.0.1:4222}
    stream="LINKEDALL_BENCH_$$"
    events_args+=(--nats-url "$nats_url" --events-stream "$stream" --events-subject-prefix "bench$$")
  fi
fi
work=$(mktemp -d)
delete_stream() { # JetStream's API over the plain NATS protocol: no client needed
  local hostport=${nats_url#nats://}
  exec 3<>"/dev/tcp/${hostport%:*}/${hostport#*:}" || return 0
  printf 'CONNECT {"verbose":false}\r\nPUB $JS.API.STREAM.DELETE.%s 0\r\n\r\nPUB $JS.API.STREAM.DELETE.%s_DEAD 0\r\n\r\nPING\r\n' "$1" "$1" >&3
  timeout 2 head -c 200 <&3 >/dev/null || true
  exec 3>&-
}
cleanup() {
  [ -n "${origin_pid:-}" ] && kill -INT "$origin_pid" 2>/dev/null && wait "$origin_pid" 2>/dev/null || true
  [ -n "$stream" ] && delete_stream "$stream"
  rm -rf "$work"
}
trap cleanup EXIT

cargo build --release -q -p linkedall-origin
# An origin on PostgreSQL is a production one: it needs real secrets (fresh ones each run).
random_secret() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
export LINKEDALL_SESSION_SECRET="$(random_secret)" LINKEDALL_PAYMENT_WEBHOOK_SECRET="$(random_secret)"
origin=target/release/linkedall-origin

echo "== fresh database linkedall_bench, $products products with unlimited stock"
psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS linkedall_bench" -c "CREATE DATABASE linkedall_bench"
"$origin" --database-url "$db_url" --log-format pretty seed --products "$products" >/dev/null 2>"$work/seed.log"
psql -q "$db_url" -c "UPDATE products SET stock = 1000000000"

echo "== origin on 127.0.0.1:$port ($db_connections database connections)"
RUST_LOG=warn "$origin" --database-url "$db_url" --origin-listen "127.0.0.1:$port" \
  --db-max-connections "$db_connections" "${events_args[@]}" 2>"$work/origin.log" &
origin_pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

# Each shopper from an address of its own, as the edge would say: registrations are limited
# per client address.
echo "== registering $shoppers shoppers"
seq 1 "$shoppers" | xargs -P 2 -I{} curl -sf -X POST "http://127.0.0.1:$port/api/v1/auth/register" \
  -H 'content-type: application/json' -H 'x-linkedall-client-ip: 2001:db8::{}' \
  -d '{"email":"bench-shopper-{}@example.com","password":"correct horse battery"}' -o "$work/shopper-{}.json"
for f in "$work"/shopper-*.json; do sed -E 's/.*"token":"([^"]+)".*/\1/' "$f"; echo; done >"$work/tokens.txt"
read -r first_product last_product < <(psql -qtA -F' ' "$db_url" -c "SELECT min(id), max(id) FROM products")
read -r first_shopper last_shopper < <(psql -qtA -F' ' "$db_url" -c "SELECT min(id), max(id) FROM users")
before=$(psql -qtA "$db_url" -c "SELECT count(*) FROM orders")

echo "== wrk -t2 -c$connections -d${duration}s POST /api/v1/orders"
wrk_out=$(wrk -t2 -c"$connections" -d"${duration}s" --timeout 10s -s benches/orders/orders.lua \
  "http://127.0.0.1:$port" -- "$work/tokens.txt" "$first_product" "$last_product")
echo "$wrk_out"
after=$(psql -qtA "$db_url" -c "SELECT count(*) FROM orders")
result=$(grep '^RESULT' <<<"$wrk_out")
field() { sed -E "s/.*$1=([^ ]+).*/\1/" <<<"$result"; }
http_orders=$((after - before))
http_rate=$(awk -v n="$http_orders" -v s="$(field duration_s)" 'BEGIN { printf "%.0f", n / s }')

if [ -n "$events" ]; then
  echo "== waiting for the relay and consumers to catch up ($events)"
  last=-1
  for _ in $(seq 1 300); do
    state=$(psql -qtA "$db_url" -c "SELECT (SELECT count(*) FROM outbox WHERE published_at IS NULL) || ' ' || (SELECT count(*) FROM processed_events)")
    [ "${state%% *}" = 0 ] && [ "${state#* }" = "$last" ] && break
    last=${state#* }
    sleep 2
  done
  echo "machine: $(nproc) cores, $(date -u +%F); $http_orders orders in $(field duration_s) s ($http_rate/s) while events flowed"
  psql -q "$db_url" -f benches/events/report.sql
  if [ -n "${SKIP_PGBENCH:-}" ]; then exit 0; fi
fi

kill -INT "$origin_pid"; wait "$origin_pid" 2>/dev/null || true; origin_pid=
echo "== pgbench -M prepared -c$pg_clients -j2 -T$duration (the same transaction, no HTTP)"
pg_out=$(pgbench -n -M prepared -c "$pg_clients" -j 2 -T "$duration" -P 5 -r -f benches/orders/checkout.sql \
  -D products_first="$first_product" -D products_last="$last_product" \
  -D shoppers_first="$first_shopper" -D shoppers_last="$last_shopper" "$db_url" 2>&1)
echo "$pg_out"
pg_rate=$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' <<<"$pg_out" | head -1)
pg_latency=$(sed -nE 's/^latency average = ([0-9.]+) ms.*/\1/p' <<<"$pg_out")

echo
echo "machine: $(nproc) cores, $(uptime | sed -E 's/.*(load average.*)/\1/'), $(date -u +%F)"
printf '| %-40s | %10s | %10s | %10s |\n' "run" "orders/s" "p95 ms" "refused"
printf '| %-40s | %10s | %10s | %10s |\n' "HTTP POST /api/v1/orders (wrk -c$connections)" "$http_rate" "$(field p95_ms)" "$(field non2xx)"
printf '| %-40s | %10.0f | %10s | %10s |\n' "pgbench checkout.sql (-c$pg_clients)" "$pg_rate" "avg $pg_latency" "-"
awk -v h="$http_rate" -v p="$pg_rate" 'BEGIN { printf "ratio HTTP / pgbench: %.2f\n", h / p }'
