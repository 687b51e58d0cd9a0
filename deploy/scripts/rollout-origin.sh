#!/usr/bin/env bash
# rollout-origin.sh OVERLAY [--gate] — deploys deploy/k8s/overlays/OVERLAY with the images
# $ORIGIN_DIGEST and $EDGE_DIGEST (sha256:…, pushed by the images job):
# 1. the migrations Job first (expand-only migrations: the old pods keep working), waited for;
# 2. everything else, then each Deployment's rollout status;
# 3. with --gate, slo-gate.sh; on red (or a failed rollout) `kubectl rollout undo` of every
#    Deployment of ours, and exit 1.
set -euo pipefail
overlay="deploy/k8s/overlays/$1"
gate="${2:-}"
here="$(dirname "$0")"
: "${REGISTRY:?}" "${ORIGIN_DIGEST:?}" "${EDGE_DIGEST:?}"
# Pin the images by digest in a throwaway copy of the overlay's kustomization.
cat >>"$overlay/kustomization.yaml" <<YAML
images:
  - name: linkedall-origin
    newName: $REGISTRY/linkedall-origin
    digest: $ORIGIN_DIGEST
  - name: linkedall-edge
    newName: $REGISTRY/linkedall-edge
    digest: $EDGE_DIGEST
YAML
namespace=linkedall
kubectl -n "$namespace" delete job linkedall-migrate --ignore-not-found
kubectl apply -k "$overlay" -l app.kubernetes.io/component=migrations
kubectl -n "$namespace" wait --for=condition=complete --timeout=10m job/linkedall-migrate
kubectl apply -k "$overlay"
deployments=$(kubectl -n "$namespace" get deployments -l app.kubernetes.io/part-of=linkedall -o name)
undo() {
  echo "undoing the rollout in $overlay" >&2
  for d in $deployments; do kubectl -n "$namespace" rollout undo "$d"; done
  exit 1
}
for d in $deployments; do
  kubectl -n "$namespace" rollout status "$d" --timeout=10m || undo
done
if [[ "$gate" == "--gate" ]]; then
  "$here/slo-gate.sh" || undo
fi
