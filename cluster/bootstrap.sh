#!/usr/bin/env bash
# Creates (or reconciles) a local kind cluster and hands it to Flux:
#   kind cluster -> Gateway API CRDs -> Cilium -> Flux (locked down, with the tenants' shards)
#   -> age key -> the webhook Receiver's token -> dist/<cluster>/flux-system
# then waits until every layer reports ready, and shows the status of everything, teams included.
#
# Usage: cluster/bootstrap.sh [--no-wait] [cluster]   (default: dev)
#        SOPS_AGE_KEY_FILE=<file> or SOPS_AGE_KEY=<key> give the cluster's age key (see install_sops_key)
#        cluster/teardown.sh [cluster]                 deletes the kind cluster again
# --no-wait stops once Flux has its sources, for callers that wait on their own.
#
# Every step is idempotent, so re-running it on an existing cluster reconciles instead of failing.
# Versions and values come from dist/<cluster>/bootstrap/, written by `npm run synth` from
# config/, so this script pins nothing itself. It downloads nothing either: the Gateway API CRDs
# are the repository's copy (cluster/gateway-api/, checked against its SHA256SUMS), Flux's
# manifests are the ones built into the flux CLI (which must be the pinned version), and the node
# image is pinned by digest, and the Cilium chart is checked against its pinned SHA-256. It
# trusts docker, kind, kubectl, helm and flux from PATH (README: "Bootstrapping a local cluster"
# says how to check them).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WAIT=1
if [[ "${1:-}" == "--no-wait" ]]; then
  WAIT=0
  shift
fi
CLUSTER="${1:-dev}"
if [[ "$CLUSTER" == -* || $# -gt 1 ]]; then
  printf 'usage: cluster/bootstrap.sh [--no-wait] [cluster]\n' >&2
  exit 2
fi
# The clusters synth wrote: one dist/<cluster>/bootstrap/ each (config/clusters.ts declares them).
KNOWN_CLUSTERS=()
for dir in "$ROOT"/dist/*/bootstrap; do
  [[ -d "$dir" ]] && KNOWN_CLUSTERS+=("$(basename "$(dirname "$dir")")")
done
if ((${#KNOWN_CLUSTERS[@]} > 0)) && [[ ! " ${KNOWN_CLUSTERS[*]} " == *" $CLUSTER "* ]]; then
  printf 'bootstrap: unknown cluster "%s"; one of: %s (declared in config/clusters.ts)\n' "$CLUSTER" "$(printf '%s, ' "${KNOWN_CLUSTERS[@]}" | sed 's/, $//')" >&2
  exit 2
fi
BOOTSTRAP_DIR="$ROOT/dist/$CLUSTER/bootstrap"
FLUX_SYSTEM_DIR="$ROOT/dist/$CLUSTER/flux-system"
CONTEXT="kind-$CLUSTER"

# shellcheck source=cluster/lib.sh
source "$ROOT/cluster/lib.sh"

# How to get each tool, shown only when it is missing.
install_hint() {
  case "$1" in
    docker) echo "install Docker Engine or Docker Desktop: https://docs.docker.com/engine/install/" ;;
    kind) echo "go install sigs.k8s.io/kind@latest, or see https://kind.sigs.k8s.io/docs/user/quick-start/#installation" ;;
    kubectl) echo "see https://kubernetes.io/docs/tasks/tools/#kubectl" ;;
    helm) echo "see https://helm.sh/docs/intro/install/" ;;
    flux) echo "cluster/install-tools.sh installs the pinned version, checked against its SHA-256 (Linux amd64); or see https://fluxcd.io/flux/installation/#install-the-flux-cli" ;;
  esac
}

# Lists every missing tool at once, so one run tells the whole story.
check_prerequisites() {
  local missing=()
  local tool
  for tool in docker kind kubectl helm flux; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      missing+=("$tool")
      printf 'bootstrap: %s is missing: %s\n' "$tool" "$(install_hint "$tool")" >&2
    fi
  done
  if ((${#missing[@]} > 0)); then
    die "install ${missing[*]} and run me again"
  fi
  docker info >/dev/null 2>&1 || die "docker is installed but its daemon does not answer; start Docker and run me again"
}

load_versions() {
  local env_file="$BOOTSTRAP_DIR/versions.env"
  [[ -f "$env_file" ]] || die "$env_file is missing; run \`npm run synth\` first"
  # shellcheck source=/dev/null
  source "$env_file"
  local key
  for key in FLUX_VERSION GATEWAY_API_VERSION KIND_NODE_IMAGE CILIUM_REPOSITORY CILIUM_CHART CILIUM_VERSION CILIUM_CHART_SHA256 CLUSTER_NAME SOPS_AGE_RECIPIENT SOPS_KEY_SECRET SOPS_KEY_ENTRY CERTIFICATES_NAMESPACE RECEIVER_NAME RECEIVER_TOKEN_SECRET; do
    [[ -n "${!key:-}" ]] || die "$env_file does not set $key; run \`npm run synth\` again"
  done
  [[ "$CLUSTER_NAME" == "$CLUSTER" ]] || die "$env_file is for cluster $CLUSTER_NAME, not $CLUSTER"
}

# `flux install` writes the manifests built into the CLI only when asked for the CLI's own
# version; for any other it downloads them, unchecked. So the CLI must be the pinned version.
check_flux_cli() {
  local version
  version="$(flux --version 2>/dev/null | awk '{print $NF}')"
  [[ "${version#v}" == "$FLUX_VERSION" ]] ||
    die "the flux CLI is ${version:-unknown}, not the pinned $FLUX_VERSION (config/versions.ts): install that one (cluster/install-tools.sh does, checked) so Flux's manifests come from the CLI, not a download"
}

# `sha256sum --check` on Linux, `shasum -a 256 --check` on macOS; checksum lines on stdin or in $1.
sha256_check() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum --check --quiet "$@"
  else
    shasum -a 256 --check --quiet "$@"
  fi
}

# Checks every file of a folder against the SHA256SUMS beside them.
verify_checksums() {
  local folder="$1"
  [[ -f "$folder/SHA256SUMS" ]] || die "$folder/SHA256SUMS is missing; run \`npm run import\`"
  (cd "$folder" && sha256_check SHA256SUMS) || die "$folder does not match its SHA256SUMS; restore it from Git or run \`npm run import\`"
}

create_cluster() {
  if kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
    log "kind cluster $CLUSTER exists; reusing it"
    # Restores the context if the kubeconfig was reset since the cluster was created.
    kind export kubeconfig --name "$CLUSTER" >/dev/null
  else
    log "creating kind cluster $CLUSTER ($KIND_NODE_IMAGE)"
    kind create cluster --name "$CLUSTER" --config "$ROOT/cluster/kind-config.yaml" --image "$KIND_NODE_IMAGE" --wait 0s
  fi
}

# Cilium's operator enables its Gateway API support only when the CRDs exist at its start, so they
# go in first; otherwise the shared Gateway would stay unprogrammed until Cilium restarts.
install_gateway_api() {
  local crds="$ROOT/cluster/gateway-api"
  log "installing Gateway API CRDs v$GATEWAY_API_VERSION (standard channel, from $crds)"
  verify_checksums "$crds"
  kubectl --context "$CONTEXT" apply --server-side --force-conflicts -f "$crds"
}

# Installed by hand because nothing (Flux included) can run before a CNI. The values are the very
# ones of Cilium's Flux HelmRelease, so Flux later adopts the release without a change.
# The chart is pulled into a file and checked against its pinned SHA-256 before helm installs it.
install_cilium() {
  log "installing Cilium $CILIUM_VERSION"
  local chart=(--repo "$CILIUM_REPOSITORY" "$CILIUM_CHART")
  if [[ "$CILIUM_REPOSITORY" == oci://* ]]; then
    chart=("$CILIUM_REPOSITORY")
  fi
  local work archive
  work="$(mktemp -d)"
  # shellcheck disable=SC2064 # expand now: $work is local and gone when the trap fires
  trap "rm -rf '$work'" EXIT
  helm pull "${chart[@]}" --version "$CILIUM_VERSION" --destination "$work"
  archive="$work/$CILIUM_CHART-$CILIUM_VERSION.tgz"
  printf '%s  %s\n' "$CILIUM_CHART_SHA256" "$archive" | sha256_check ||
    die "the Cilium chart $CILIUM_VERSION from $CILIUM_REPOSITORY does not have the pinned SHA-256 $CILIUM_CHART_SHA256 (config/versions.ts); not installed"
  helm --kube-context "$CONTEXT" upgrade --install cilium "$archive" \
    --namespace kube-system \
    -f "$BOOTSTRAP_DIR/cilium-values.yaml" --wait --timeout 10m
  kubectl --context "$CONTEXT" wait --for=condition=Ready nodes --all --timeout=5m
}

# Flux's own manifests at the pinned version, patched by dist/<cluster>/bootstrap/flux/ so that
# tenants' Kustomizations can neither reach across namespaces nor run as Flux's own account, plus
# one kustomize-controller per shard (flux/shard*/) with the same lockdown. Each shard folder gets
# its own copy of the manifests: kustomize refuses files outside a kustomization's folder.
install_flux() {
  log "installing Flux v$FLUX_VERSION (multi-tenancy lockdown)"
  local work
  work="$(mktemp -d)"
  # shellcheck disable=SC2064 # expand now: $work is local and gone when the trap fires
  trap "rm -rf '$work'" EXIT
  cp -R "$BOOTSTRAP_DIR/flux/." "$work/"
  flux install --version="v$FLUX_VERSION" --export >"$work/gotk-components.yaml"
  local shard
  for shard in "$work"/shard*/; do
    if [[ -d "$shard" ]]; then cp "$work/gotk-components.yaml" "$shard"; fi
  done
  kubectl --context "$CONTEXT" apply --server-side --force-conflicts -k "$work"
  kubectl --context "$CONTEXT" -n flux-system rollout status deployment --timeout=5m
}

# The cluster's age private key, with which Flux decrypts the teams' SOPS-encrypted Secrets. It is
# never in Git: it lives in flux-system and in a file of the operator's, outside the repository,
# so a dev cluster made again decrypts what the last one did. Only dev's is created here.
install_sops_key() {
  if kubectl --context "$CONTEXT" -n flux-system get secret "$SOPS_KEY_SECRET" >/dev/null 2>&1; then
    log "age key: Secret $SOPS_KEY_SECRET exists in flux-system; keeping it"
    return
  fi
  local key_file="${SOPS_AGE_KEY_FILE:-${XDG_CONFIG_HOME:-$HOME/.config}/mini-atlas/age/$CLUSTER.agekey}"
  command -v age-keygen >/dev/null 2>&1 || die "age-keygen is missing: install the age package (sudo apt-get install age, or see https://github.com/FiloSottile/age#installation)"
  # The key itself in SOPS_AGE_KEY (as sops reads it; CI passes it from a repository secret).
  local given=""
  if [[ -n "${SOPS_AGE_KEY:-}" && -z "${SOPS_AGE_KEY_FILE:-}" ]]; then
    given="$(mktemp)"
    printf '%s\n' "$SOPS_AGE_KEY" >"$given"
    key_file="$given"
  fi
  if [[ ! -f "$key_file" ]]; then
    [[ "$CLUSTER" == dev ]] || die "no age key for cluster $CLUSTER in $key_file. Its private key (recipient $SOPS_AGE_RECIPIENT) is held by the cluster's operators, never in Git: run SOPS_AGE_KEY_FILE=<file holding it> cluster/bootstrap.sh $CLUSTER, or create the Secret yourself: kubectl -n flux-system create secret generic $SOPS_KEY_SECRET --from-file=$SOPS_KEY_ENTRY=<file>"
    log "age key: creating dev's private key in $key_file (keep it; it is not in Git)"
    mkdir -p "$(dirname "$key_file")"
    (umask 077 && age-keygen -o "$key_file" 2>/dev/null)
  fi
  local recipient
  recipient="$(age-keygen -y "$key_file")"
  kubectl --context "$CONTEXT" -n flux-system create secret generic "$SOPS_KEY_SECRET" --from-file="$SOPS_KEY_ENTRY=$key_file" >/dev/null
  if [[ -n "$given" ]]; then
    rm -f "$given"
    key_file="SOPS_AGE_KEY"
  fi
  log "age key: Secret $SOPS_KEY_SECRET created in flux-system from $key_file (recipient $recipient)"
  if [[ "$recipient" != "$SOPS_AGE_RECIPIENT" ]]; then
    printf 'bootstrap: warning: team Secrets are encrypted for %s (config/clusters.ts), not for this key (%s), so Flux cannot decrypt them here. To adopt this key: set sops.ageRecipient of %s in config/clusters.ts to %s, run npm run synth, and have someone holding the old key run sops updatekeys <file> on each encrypted team file.\n' \
      "$SOPS_AGE_RECIPIENT" "$recipient" "$CLUSTER" "$recipient" >&2
  fi
}

# The token that authenticates the Git host's push events to the Receiver. Made here, never in
# Git, and kept on a re-run: the webhook configured with it goes on working.
create_receiver_token() {
  if kubectl --context "$CONTEXT" -n flux-system get secret "$RECEIVER_TOKEN_SECRET" >/dev/null 2>&1; then
    log "keeping the webhook token secret/$RECEIVER_TOKEN_SECRET"
    return
  fi
  log "creating the webhook token secret/$RECEIVER_TOKEN_SECRET"
  local token
  token="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  kubectl --context "$CONTEXT" -n flux-system create secret generic "$RECEIVER_TOKEN_SECRET" --from-literal=token="$token" >/dev/null
}

sync_from_git() {
  log "applying $FLUX_SYSTEM_DIR (GitRepository and one Kustomization per layer)"
  kubectl --context "$CONTEXT" apply -f "$FLUX_SYSTEM_DIR"
}

# On a cluster whose certificates come from the platform's own CA (dev), clients must trust its
# root to reach https://<host> without warnings; cert-manager keeps it in a Secret.
print_ca_trust() {
  [[ -n "${LOCAL_CA_SECRET:-}" ]] || return 0
  local file="mini-atlas-$CLUSTER-ca.crt"
  log "HTTPS on $CLUSTER uses the platform's local CA. To trust it, once cert-manager has made it:"
  printf '  kubectl --context %s -n %s get secret %s -o jsonpath=%s | base64 -d > %s\n' "$CONTEXT" "$CERTIFICATES_NAMESPACE" "$LOCAL_CA_SECRET" "'{.data.ca\\.crt}'" "$file" >&2
  printf '  %s --cacert %s https://<host>/   # one command; or for the whole machine (Debian/Ubuntu):\n' curl "$file" >&2
  printf '  sudo cp %s /usr/local/share/ca-certificates/ && sudo update-ca-certificates\n' "$file" >&2
}

# Waits for the platform: every layer's Kustomization Ready (their health checks cover the Kafka,
# the Gateway, the policies, the RGDs and the Workspaces). Teams are not waited for: an example
# instance may be expected never to be ready (cluster/e2e-expectations.yaml); status shows them.
wait_until_ready() {
  local file layers=()
  for file in "$FLUX_SYSTEM_DIR"/kustomization-*.yaml; do
    layers+=("kustomization/$(basename "$file" .yaml | sed 's/^kustomization-//')")
  done
  log "waiting for every layer to be ready: ${layers[*]#kustomization/}"
  local code=0
  kubectl --context "$CONTEXT" -n flux-system wait "${layers[@]}" --for=condition=Ready --timeout=15m >/dev/null || code=$?
  (cd "$ROOT" && npm run -s status -- --cluster "$CLUSTER" --context "$CONTEXT") || true
  return "$code"
}

main() {
  check_prerequisites
  load_versions
  check_flux_cli
  create_cluster
  install_gateway_api
  install_cilium
  install_flux
  install_sops_key
  create_receiver_token
  sync_from_git
  log "point the Git host's push webhook at the Receiver: README.md, \"Pushes reach the cluster\" (path: kubectl -n flux-system get receiver/$RECEIVER_NAME -o jsonpath='{.status.webhookPath}')"
  if ((WAIT == 0)); then
    log "cluster $CLUSTER is bootstrapped; Flux is now reconciling the layers (npm run status -- --cluster $CLUSTER)"
    print_ca_trust
  elif wait_until_ready; then
    log "cluster $CLUSTER is ready (kubectl context $CONTEXT); tear it down with cluster/teardown.sh $CLUSTER"
    print_ca_trust
  else
    die "cluster $CLUSTER is up but not everything is ready yet; see above, and \`npm run status -- --cluster $CLUSTER\`"
  fi
}

main
