#!/usr/bin/env bash
# Cache-hit throughput of the native edge host against nginx serving the same bytes from disk.
#
#   bash benches/edge-vs-nginx.sh            # needs wrk and nginx (Debian: apt-get install wrk nginx-light)
#
# Starts the demo stack (release build, SQLite in a temporary folder), warms one product page
# into the edge cache, saves the exact bytes the edge serves, starts nginx on those bytes, and
# runs `wrk -t2 -c64 -d10s --latency` against each. Prints both results and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in wrk nginx; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install wrk nginx-light" >&2; exit 1; }
done

work=$(mktemp -d)
edge_port=${EDGE_PORT:-13000}
nginx_port=${NGINX_PORT:-13088}
cleanup() {
  [ -n "${stack_pid:-}" ] && kill -INT "$stack_pid" 2>/dev/null && wait "$stack_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cargo build --release -q -p linkedall
(cd "$work" && exec "$OLDPWD/target/release/linkedall" --edge-listen "127.0.0.1:$edge_port" \
   --origin-listen 127.0.0.1:0 --demo-products 5000 --log-format json 2>"$work/stack.log" >"$work/stack.out") &
stack_pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$edge_port/healthz" >/dev/null && break; sleep 0.2; done

page=/p/17-x
location=$(curl -s -o /dev/null -w '%{redirect_url}' "http://127.0.0.1:$edge_port$page")
page=${location#http://127.0.0.1:$edge_port}
mkdir -p "$work/www"
curl -sf "http://127.0.0.1:$edge_port$page" -o "$work/www/page.html"
chmod 755 "$work" "$work/www" && chmod 644 "$work/www/page.html"   # nginx workers are not root
curl -sf -D - -o /dev/null "http://127.0.0.1:$edge_port$page" | grep -i '^cache-status' 
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
    location / { try_files /page.html =404; }
  }
}
CONF
nginx -c "$work/nginx.conf"
sleep 0.5

echo "== edge (cache hit) http://127.0.0.1:$edge_port$page ($(wc -c <"$work/www/page.html") bytes)"
edge=$(wrk -t2 -c64 -d10s --latency "http://127.0.0.1:$edge_port$page")
echo "$edge"
echo "== nginx (same bytes from disk)"
curl -sf -o /dev/null "http://127.0.0.1:$nginx_port$page" || { echo "nginx does not serve the page" >&2; exit 1; }
ngx=$(wrk -t2 -c64 -d10s --latency "http://127.0.0.1:$nginx_port$page")
echo "$ngx"
rps() { awk '/Requests\/sec/ {print $2}' <<<"$1"; }
p99() { awk '$1=="99%" {print $2}' <<<"$1"; }
echo
printf 'edge:  %s req/s, p99 %s\nnginx: %s req/s, p99 %s\nratio: %.2f of nginx\n' \
  "$(rps "$edge")" "$(p99 "$edge")" "$(rps "$ngx")" "$(p99 "$ngx")" \
  "$(awk -v a="$(rps "$edge")" -v b="$(rps "$ngx")" 'BEGIN {print a / b}')"
