#!/usr/bin/env bash
# notify.sh MESSAGE — posts {"text": MESSAGE} to $WEBHOOK_URL (Slack- or Teams-style incoming
# webhook); prints and succeeds when no webhook is configured.
set -euo pipefail
echo "$1"
if [[ -n "${WEBHOOK_URL:-}" ]]; then
  jq -n --arg text "$1" '{text: $text}' | curl -fsS --max-time 10 -H 'content-type: application/json' --data @- "$WEBHOOK_URL"
fi
