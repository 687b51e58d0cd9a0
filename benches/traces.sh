#!/usr/bin/env bash
# What exporting traces costs: the same origin (`serve`, PostgreSQL) and native edge, run in
# alternating rounds with traces off (no OTEL_* variable), on with 1 % of traces kept (the
# default parent-based ratio sampler, OTEL_TRACES_SAMPLER_ARG=0.01) and on with every trace
# kept (always_on), exporting OTLP/HTTP to a sink on this machine that accepts and drops every
# batch, each round measured with wrk on
#   - the edge's cached home page (one edge span per request), and
#   - the API's product detail, `GET /api/v1/products/1` (a request span, its SQL or cache spans).
#
#   bash benches/traces.sh     # needs PostgreSQL (DATABASE_URL's server), wrk, psql, curl, python3
#
# ORIGIN_BIN / EDGE_BIN pick the binaries (default: release builds, built here first); ROUNDS
# (default 2) pairs of rounds, DURATION seconds each (default 8), CONNECTIONS (default 32).
# Everything shares this machine's cores: compare the on/off ratio of one run, not runs.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in wrk psql curl python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
target=${CARGO_TARGET_DIR:-target}
if [ -z "${ORIGIN_BIN:-}" ] || [ -z "${EDGE_BIN:-}" ]; then
  cargo build --release -q -p linkedall-origin -p linkedall-edge-dev
fi
origin_bin=${ORIGIN_BIN:-$target/release/linkedall-origin}
edge_bin=${EDGE_BIN:-$target/release/linkedall-edge-dev}
server=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
rounds=${ROUNDS:-2}
duration=${DURATION:-8}
connections=${CONNECTIONS:-32}
schema="bench_traces_$$"
db_url="$server?options=-c%20search_path%3D$schema"
work=$(mktemp -d)
api_port=18181 edge_port=18182 sink_port=18183
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  psql -q "$server" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

psql -q "$server" -c "CREATE SCHEMA $schema"
export LINKEDALL_SESSION_SECRET=bench-traces-session-secret-0123456789abcdef
export LINKEDALL_PAYMENT_WEBHOOK_SECRET=bench-traces-webhook-secret-42
"$origin_bin" --database-url "$db_url" migrate >/dev/null 2>"$work/migrate.log"
"$origin_bin" --database-url "$db_url" seed --products 200 >/dev/null 2>"$work/seed.log"

# The collector: takes every OTLP batch, answers 200, counts the bytes.
cat >"$work/sink.py" <<'EOF'
import http.server, sys
class Sink(http.server.BaseHTTPRequestHandler):
    received = 0
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        Sink.received += len(body)
        with open(sys.argv[2], "w") as f:
            f.write(str(Sink.received))
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
EOF
python3 "$work/sink.py" "$sink_port" "$work/received" &
pids+=($!)

rate() { wrk -t2 -c"$connections" -d"${duration}s" "$1" | awk '/Requests\/sec/ {print $2}'; }

round() {
  local traces=$1 env=()
  case "$traces" in
    1%) env=(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$sink_port" OTEL_TRACES_SAMPLER_ARG=0.01) ;;
    all) env=(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$sink_port" OTEL_TRACES_SAMPLER=always_on) ;;
  esac
  env "${env[@]}" RUST_LOG=warn OTEL_SERVICE_NAME=bench-origin "$origin_bin" --database-url "$db_url" \
    --origin-listen "127.0.0.1:$api_port" serve 2>>"$work/origin.log" &
  local origin=$!
  env "${env[@]}" RUST_LOG=warn OTEL_SERVICE_NAME=bench-edge "$edge_bin" --listen "127.0.0.1:$edge_port" \
    --origin-url "http://127.0.0.1:$api_port" >/dev/null 2>>"$work/edge.log" &
  local edge=$!
  pids+=("$origin" "$edge")
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$edge_port/" >/dev/null && curl -sf "http://127.0.0.1:$api_port/api/v1/products/1" >/dev/null && break
    sleep 0.1
  done
  local edge_rate api_rate
  edge_rate=$(rate "http://127.0.0.1:$edge_port/")
  api_rate=$(rate "http://127.0.0.1:$api_port/api/v1/products/1")
  kill -TERM "$origin" "$edge"
  wait "$origin" "$edge" 2>/dev/null || true
  printf '%-6s %14s %14s\n' "$traces" "$edge_rate" "$api_rate"
}

printf '%-6s %14s %14s\n' traces "edge home r/s" "API product r/s"
for _ in $(seq "$rounds"); do
  round off
  round 1%
  round all
done
echo "OTLP bytes the sink received: $(cat "$work/received" 2>/dev/null || echo 0)"
