#!/usr/bin/env bash
# workers-gradual.sh ENV TAG PERCENT... — uploads the built worker as a new Workers version and moves
# traffic to it in the given steps (e.g. 10 50 100) with `wrangler versions deploy`, holding each
# step while slo-gate.sh stays green. On red, `wrangler rollback` to the version that served
# before, and exit 1.
set -euo pipefail
env="$1"; tag="$2"; shift 2
here="$(dirname "$0")"
old=$(npx wrangler deployments status --env "$env" --json | jq -r '.versions | max_by(.percentage) | .version_id')
new=$(npx wrangler versions upload --env "$env" --tag "$tag" --message "release $tag" | sed -n 's/.*Worker Version ID: *//p')
if [[ -z "$new" ]]; then echo "wrangler versions upload printed no version id" >&2; exit 1; fi
echo "serving $old; new version $new ($tag)"
for percent in "$@"; do
  if ((percent >= 100)); then
    npx wrangler versions deploy "$new@100%" --env "$env" --yes --message "release $tag at 100%"
  else
    npx wrangler versions deploy "$new@$percent%" "$old@$((100 - percent))%" --env "$env" --yes \
      --message "release $tag at $percent%"
  fi
  if ! "$here/slo-gate.sh"; then
    echo "rolling the edge back to $old" >&2
    npx wrangler rollback "$old" --env "$env" --yes --message "automatic rollback of $tag at $percent%"
    exit 1
  fi
done
