#!/usr/bin/env bash
# Installs the pinned kind, kubectl, helm and flux CLIs (Linux amd64) into a folder, each download
# checked against its SHA-256 from config/versions.ts before anything in it runs or is unpacked.
# Versions, URLs and checksums come from dist/dev/bootstrap/versions.env (`npm run synth`).
#
# Usage: cluster/install-tools.sh [bin-dir]   (default: ~/.local/bin; put it first on PATH)
# The e2e workflow installs its tools with it; so can you, before cluster/bootstrap.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ENV_FILE="$ROOT/dist/dev/bootstrap/versions.env"
BIN="${1:-$HOME/.local/bin}"

# shellcheck source=cluster/lib.sh
source "$ROOT/cluster/lib.sh"

# The only download in the repository's scripts: into a file, then checked, and deleted if the
# checksum is not the pinned one.
download_verified() {
  local url="$1" sha256="$2" file="$3"
  curl --fail --silent --show-error --location --retry 3 --proto '=https' --tlsv1.2 --output "$file" "$url" ||
    die "cannot download $url"
  if ! printf '%s  %s\n' "$sha256" "$file" | sha256sum --check --status; then
    rm -f "$file"
    die "$url does not have the pinned SHA-256 $sha256 (config/versions.ts); nothing of it was installed"
  fi
}

# Installs tool $1 from its URL and SHA-256; $4 names the binary inside a .tar.gz download.
install_tool() {
  local name="$1" url="$2" sha256="$3" binary="${4:-}"
  local download="$WORK/$name.download"
  download_verified "$url" "$sha256" "$download"
  if [[ -n "$binary" ]]; then
    tar -xzf "$download" -C "$WORK" "$binary"
    install -m 0755 "$WORK/$binary" "$BIN/$name"
  else
    install -m 0755 "$download" "$BIN/$name"
  fi
  log "$name installed in $BIN (SHA-256 $sha256 checked)"
}

main() {
  [[ "$(uname -s)-$(uname -m)" == Linux-x86_64 ]] ||
    die "the pinned downloads are for Linux amd64; elsewhere install the versions in $ENV_FILE and check them as the README says"
  [[ -f "$ENV_FILE" ]] || die "$ENV_FILE is missing; run \`npm run synth\` first"
  # shellcheck source=/dev/null
  source "$ENV_FILE"
  local key
  for key in KIND_URL KIND_SHA256 KUBECTL_URL KUBECTL_SHA256 HELM_URL HELM_SHA256 HELM_BINARY FLUX_URL FLUX_SHA256 FLUX_BINARY; do
    [[ -n "${!key:-}" ]] || die "$ENV_FILE does not set $key; run \`npm run synth\` again"
  done
  mkdir -p "$BIN"
  WORK="$(mktemp -d)"
  trap 'rm -rf "$WORK"' EXIT
  install_tool kind "$KIND_URL" "$KIND_SHA256"
  install_tool kubectl "$KUBECTL_URL" "$KUBECTL_SHA256"
  install_tool helm "$HELM_URL" "$HELM_SHA256" "$HELM_BINARY"
  install_tool flux "$FLUX_URL" "$FLUX_SHA256" "$FLUX_BINARY"
}

main
