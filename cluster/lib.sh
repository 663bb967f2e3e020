# shellcheck shell=bash
# Helpers the cluster scripts share: `source "$ROOT/cluster/lib.sh"`, never run it.

log() {
  printf '==> %s\n' "$*" >&2
}

# One line on stderr, prefixed with the script's name, then exit 1.
die() {
  printf '%s: %s\n' "$(basename "$0" .sh)" "$*" >&2
  exit 1
}
