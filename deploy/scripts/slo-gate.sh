#!/usr/bin/env bash
# Holds for HOLD_SECONDS (default 600), asking Prometheus every 30 s whether $SLO_QUERY is still
# true. A PromQL comparison returns an empty vector when it is false, so "green" means "at least
# one sample came back"; an unreachable Prometheus counts as red (we do not deploy blind).
# Exit 0 when green throughout, 1 at the first red answer.
set -euo pipefail
: "${PROMETHEUS_URL:?}" "${SLO_QUERY:?}"
hold="${HOLD_SECONDS:-600}"
deadline=$((SECONDS + hold))
auth=()
if [[ -n "${PROMETHEUS_TOKEN:-}" ]]; then auth=(-H "Authorization: Bearer $PROMETHEUS_TOKEN"); fi
while ((SECONDS < deadline)); do
  answer=$(curl -fsS --max-time 10 "${auth[@]}" "$PROMETHEUS_URL/api/v1/query" \
    --data-urlencode "query=$SLO_QUERY" || echo '{}')
  samples=$(jq -r '.data.result | length' <<<"$answer" 2>/dev/null || echo 0)
  if [[ "$samples" == "0" || -z "$samples" ]]; then
    echo "SLO gate RED: '$SLO_QUERY' is false or Prometheus did not answer" >&2
    exit 1
  fi
  echo "SLO gate green ($(((deadline - SECONDS) / 60)) min left): $SLO_QUERY"
  sleep 30
done
