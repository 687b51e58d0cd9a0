#!/usr/bin/env bash
# Zipf(s = 1.0) traffic over every product page of a 1,000,000-product catalog, through the
# native edge host in front of the release origin on PostgreSQL (issue 5, benchmark 2): the
# edge cache's hit ratio and the requests per second that still reach the origin.
#
#   bash benches/zipf.sh      # needs PostgreSQL (DATABASE_URL's server), wrk, psql, curl
#
# The catalog is the database benches/search.sh seeds (`linkedall_search_bench`, seeded here
# when missing). wrk (benches/zipf/zipf.lua) asks for /p/<id>-<slug> with rank-r popularity
# proportional to 1/r over all products. A warm-up of WARMUP seconds fills the cache, then
# MEASURE seconds are measured: hit ratio = hits / (hits + misses + collapsed + stale) of the
# product route, from the edge's /metrics before and after; origin requests from the origin's
# /metrics. EDGE_CACHE_CAPACITY pages fit in the edge cache (LRU). PREWARM=N first asks for the
# N most popular pages once each, in rank order (benches/zipf/ranked.lua), as the warming of a
# new deploy from the previous deploy's most requested pages would.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in wrk psql curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
server=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
server=${server%/*}
db_url="$server/linkedall_search_bench"
products=${PRODUCTS:-1000000}
capacity=${EDGE_CACHE_CAPACITY:-600000}
warmup=${WARMUP:-120}
measure=${MEASURE:-60}
connections=${CONNECTIONS:-32}
prewarm=${PREWARM:-0}
origin_port=${ORIGIN_PORT:-18082}
edge_port=${EDGE_PORT:-13082}
work=$(mktemp -d)
cleanup() {
  for pid in ${edge_pid:-} ${origin_pid:-}; do kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

cargo build --release -q -p linkedall-origin -p linkedall-edge-dev
# An origin on PostgreSQL is a production one: it needs real secrets (fresh ones each run).
random_secret() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
export LINKEDALL_SESSION_SECRET="$(random_secret)" LINKEDALL_PAYMENT_WEBHOOK_SECRET="$(random_secret)"
bin=${CARGO_TARGET_DIR:-target}/release
have=$(psql -qtA "$db_url" -c "SELECT count(*) FROM products" 2>/dev/null || echo 0)
if [ "$have" != "$products" ]; then
  psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS linkedall_search_bench" -c "CREATE DATABASE linkedall_search_bench"
  "$bin/linkedall-origin" --database-url "$db_url" seed --products "$products" 2>"$work/seed.log"
fi
psql -qtA "$db_url" -c "SELECT '/p/' || id || '-' || slug FROM products ORDER BY id" > "$work/paths.txt"

RUST_LOG=warn LINKEDALL_EVENTS=off "$bin/linkedall-origin" --database-url "$db_url" \
  --origin-listen "127.0.0.1:$origin_port" serve >"$work/origin.log" 2>&1 &
origin_pid=$!
RUST_LOG=warn "$bin/linkedall-edge-dev" --listen "127.0.0.1:$edge_port" --origin-url "http://127.0.0.1:$origin_port" \
  --cache-capacity "$capacity" >"$work/edge.log" 2>&1 &
edge_pid=$!
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$edge_port/healthz" >/dev/null 2>&1 && curl -fsS "http://127.0.0.1:$origin_port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

product_results() {  # "hits misses collapsed stale"
  curl -fsS "http://127.0.0.1:$edge_port/metrics" | awk '
    /^edge_cache_total\{/ && /route="product"/ {
      for (r in want) if ($0 ~ "result=\"" r "\"") n[r] += $NF
    }
    BEGIN { want["hit"]; want["miss"]; want["collapsed"]; want["stale"] }
    END { printf "%d %d %d %d\n", n["hit"], n["miss"], n["collapsed"], n["stale"] }'
}
origin_requests() {
  curl -fsS "http://127.0.0.1:$origin_port/metrics" | awk '/^http_requests_total\{/ && /route="\/api\/v1\/products\/\{id\}"/ { n += $NF } END { printf "%d\n", n }'
}

if [ "$prewarm" -gt 0 ]; then
  # Stands in for a deploy's warming from the previous deploy's most requested pages: the edge
  # cache starts with the PREWARM most popular pages instead of filling them over millions of
  # shopper requests. Each is fetched once; wrk stops when the walk is done.
  echo "== pre-warm: the $prewarm most requested pages, once each"
  started=$(date +%s)
  PATHS_FILE="$work/paths.txt" PREWARM="$prewarm" WRK_THREADS=2 wrk -t2 -c"$connections" -d3600s \
    -s benches/zipf/ranked.lua "http://127.0.0.1:$edge_port" >"$work/prewarm.txt" &
  wrk_pid=$!
  # wrk's threads stop at the end of the walk but wrk itself waits out -d: stop it (SIGINT,
  # its graceful stop) once the edge has seen every page of the walk.
  while kill -0 "$wrk_pid" 2>/dev/null; do
    read -r h m c s < <(product_results)
    [ $((h + m + c + s)) -ge "$prewarm" ] && kill -INT "$wrk_pid" 2>/dev/null
    sleep 1
  done
  wait "$wrk_pid" || true
  echo "   done in $(( $(date +%s) - started )) s"
fi
echo "== warm-up: ${warmup}s, $connections connections, cache capacity $capacity pages"
PATHS_FILE="$work/paths.txt" wrk -t2 -c"$connections" -d"${warmup}s" -s benches/zipf/zipf.lua "http://127.0.0.1:$edge_port" >"$work/warm.txt"
read -r h0 m0 c0 s0 < <(product_results)
o0=$(origin_requests)
echo "== measured: ${measure}s"
PATHS_FILE="$work/paths.txt" wrk -t2 -c"$connections" -d"${measure}s" --latency -s benches/zipf/zipf.lua "http://127.0.0.1:$edge_port" | tee "$work/measure.txt"
read -r h1 m1 c1 s1 < <(product_results)
o1=$(origin_requests)
hits=$((h1 - h0)); misses=$((m1 - m0 + c1 - c0)); stale=$((s1 - s0))
total=$((hits + misses + stale))
rss=$(awk '/VmRSS/ {print $2}' "/proc/$edge_pid/status")
echo
echo "requests (product pages): $total, hits $hits, stale $stale, misses $misses"
awk -v h="$hits" -v s="$stale" -v t="$total" 'BEGIN { printf "hit ratio: %.1f%% (fresh hits %.1f%%, stale-while-revalidate %.1f%%)\n", 100 * (h + s) / t, 100 * h / t, 100 * s / t }'
awk -v o="$((o1 - o0))" -v d="$measure" 'BEGIN { printf "origin product requests: %.0f/s\n", o / d }'
echo "edge RSS: $((rss / 1024)) MiB"
