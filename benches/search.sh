#!/usr/bin/env bash
# Search p95 over 1,000,000 products on PostgreSQL, with and without the origin's Redis catalog
# cache (issue 5, benchmark 3).
#
#   bash benches/search.sh     # needs PostgreSQL (DATABASE_URL's server), Redis (REDIS_URL), wrk, psql, curl
#
# Uses a database of its own, `linkedall_search_bench` on DATABASE_URL's server, seeded once
# with PRODUCTS products (again with FRESH=1), so the tests' database is never touched. The
# URLs are every query of benches/search/queries.txt (words from the seed's vocabulary: brands,
# items, variants, cities, phrases of the descriptions, one that matches nothing) at three page
# sizes (limit 10, 20, 50). Three runs against the release origin:
#
#   1. database only (catalog cache off): one pass over every URL, one at a time (curl), then
#      wrk -t2 -c$CONNECTIONS -d${DURATION}s rotating through them;
#   2. Redis cache, cold: a fresh key prefix, one pass over every URL (each a miss: the query,
#      the encoding and the store into Redis);
#   3. Redis cache, warm: wrk as in 1, every request a hit.
#
# p95 of the one-at-a-time passes is over the per-request times curl reports; wrk's come from
# its latency histogram. wrk, the origin, PostgreSQL and Redis share this machine's cores.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in wrk psql curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool (Debian: apt-get install wrk postgresql-client curl)" >&2; exit 1; }
done

server=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
server=${server%/*}
db_url="$server/linkedall_search_bench"
redis_url=${REDIS_URL:-redis://127.0.0.1:6379}
port=${ORIGIN_PORT:-18081}
products=${PRODUCTS:-1000000}
duration=${DURATION:-15}
connections=${CONNECTIONS:-8}
work=$(mktemp -d)
prefix="linkedall-search-bench:$(date +%s):"
cleanup() {
  [ -n "${origin_pid:-}" ] && kill -INT "$origin_pid" 2>/dev/null && wait "$origin_pid" 2>/dev/null || true
  redis-cli -u "$redis_url" --scan --pattern "$prefix*" 2>/dev/null | xargs -r -n 500 redis-cli -u "$redis_url" DEL >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

cargo build --release -q -p linkedall-origin
# An origin on PostgreSQL is a production one: it needs real secrets (fresh ones each run).
random_secret() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
export LINKEDALL_SESSION_SECRET="$(random_secret)" LINKEDALL_PAYMENT_WEBHOOK_SECRET="$(random_secret)"
origin=${CARGO_TARGET_DIR:-target}/release/linkedall-origin

have=$(psql -qtA "$db_url" -c "SELECT count(*) FROM products" 2>/dev/null || echo 0)
if [ "${FRESH:-0}" = 1 ] || [ "$have" != "$products" ]; then
  echo "== fresh database linkedall_search_bench with $products products"
  psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS linkedall_search_bench" -c "CREATE DATABASE linkedall_search_bench"
  "$origin" --database-url "$db_url" --log-format pretty seed --products "$products" 2>"$work/seed.log"
fi
# Fresh statistics and visibility map, as after any bulk load.
psql -q "$db_url" -c "VACUUM ANALYZE products"

urlencode() { sed -e 's/ /%20/g'; }
while read -r query; do
  [ -n "$query" ] || continue
  for limit in 10 20 50; do
    echo "/api/v1/search?q=$(urlencode <<<"$query")&limit=$limit"
  done
done <benches/search/queries.txt >"$work/urls.txt"
urls=$(wc -l <"$work/urls.txt")

start_origin() { # extra flags…
  RUST_LOG=warn "$origin" --database-url "$db_url" --origin-listen "127.0.0.1:$port" "$@" 2>"$work/origin.log" &
  origin_pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.1; done
  echo "origin did not start:" >&2; cat "$work/origin.log" >&2; exit 1
}
stop_origin() { kill -INT "$origin_pid"; wait "$origin_pid" 2>/dev/null || true; origin_pid=; }

one_pass() { # label → one line: p50, p95, max over one request per URL, one at a time
  while read -r path; do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "http://127.0.0.1:$port$path"
  done <"$work/urls.txt" >"$work/pass.txt"
  if grep -qv '^200 ' "$work/pass.txt"; then echo "non-200 answers:" >&2; grep -v '^200 ' "$work/pass.txt" >&2; exit 1; fi
  cut -d' ' -f2 "$work/pass.txt" | sort -n | awk -v label="$1" '
    { t[NR] = $1 * 1000 }
    END { printf "| %-44s | %6d | %8s | %8.1f | %8.1f | %8.1f |\n", label, NR, "-", t[int(NR * 0.50 + 0.5)], t[int(NR * 0.95 + 0.5)], t[NR] }'
}

under_load() { # label → one line from wrk's histogram
  local out
  out=$(wrk -t2 -c"$connections" -d"${duration}s" --timeout 10s -s benches/search/search.lua \
    "http://127.0.0.1:$port" -- "$work/urls.txt" | grep '^RESULT')
  field() { sed -E "s/.*$1=([^ ]+).*/\1/" <<<"$out"; }
  [ "$(field non2xx)" = 0 ] || { echo "wrk saw non-2xx answers: $out" >&2; exit 1; }
  printf "| %-44s | %6s | %8s | %8s | %8s | %8s |\n" "$1" "$(field requests)" "$(field rps)" "$(field p50_ms)" "$(field p95_ms)" "$(field p99_ms)"
}

rows=()
echo "== database only (--catalog-cache-ttl-secs 0), $urls URLs"
start_origin --catalog-cache-ttl-secs 0
rows+=("$(one_pass "database only: one pass, one at a time")")
rows+=("$(under_load "database only: wrk -c$connections ${duration}s")")
stop_origin

echo "== Redis catalog cache, prefix $prefix"
start_origin --redis-url "$redis_url" --redis-prefix "$prefix"
rows+=("$(one_pass "Redis cache cold: first pass (every URL a miss)")")
rows+=("$(under_load "Redis cache warm: wrk -c$connections ${duration}s")")
stop_origin

echo
echo "machine: $(nproc) cores, $(uptime | sed -E 's/.*(load average.*)/\1/'), $(date -u +%F), $(psql -qtA "$db_url" -c "SELECT count(*) FROM products") products"
printf "| %-44s | %6s | %8s | %8s | %8s | %8s |\n" "run" "reqs" "req/s" "p50 ms" "p95 ms" "max/p99"
printf '%s\n' "${rows[@]}"
