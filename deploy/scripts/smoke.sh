#!/usr/bin/env bash
# smoke.sh BASE_URL — a shopper's first requests after a deploy: the home page through the edge,
# the origin's health, a product search. Retries a little while caches warm.
set -euo pipefail
base="$1"
for path in / /healthz "/search?q=shea"; do
  curl -fsS --retry 5 --retry-delay 3 --retry-all-errors --max-time 15 -o /dev/null \
    -w "%{http_code} %{time_total}s $path\n" "$base$path"
done
