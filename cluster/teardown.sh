#!/usr/bin/env bash
# Deletes the local kind cluster made by cluster/bootstrap.sh, with everything in it.
# Usage: cluster/teardown.sh [cluster]     (default: dev)
# Deleting a cluster that does not exist succeeds, so this is safe to run twice.
set -euo pipefail

CLUSTER="${1:-dev}"

if ! command -v kind >/dev/null 2>&1; then
  printf 'teardown: kind is missing; see https://kind.sigs.k8s.io/docs/user/quick-start/#installation\n' >&2
  exit 1
fi

kind delete cluster --name "$CLUSTER"
