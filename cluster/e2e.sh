#!/usr/bin/env bash
# End-to-end check on a machine with Docker: synthesizes dist/, bootstraps the dev kind cluster,
# waits for every layer, then checks that each example team under user-space/ got what it asked
# for, ready. Deletes the cluster on exit unless KEEP_CLUSTER=1.
#
# Usage: cluster/e2e.sh          (needs docker, kind, kubectl, helm and flux; see bootstrap.sh)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLUSTER=dev

log() {
  printf '==> %s\n' "$*" >&2
}

cleanup() {
  if [[ "${KEEP_CLUSTER:-0}" == 1 ]]; then
    log "KEEP_CLUSTER=1: leaving kind cluster $CLUSTER running (cluster/teardown.sh $CLUSTER deletes it)"
  else
    log "deleting kind cluster $CLUSTER"
    "$ROOT/cluster/teardown.sh" "$CLUSTER" || true
  fi
}

# Compares what user-space/<team>/ declares (every abstraction instance, by kind and name) with
# what `status --json` reports, and prints each missing or not-ready one.
# Arguments: team, team folder; the status JSON on stdin.
check_team_json() {
  node -e '
    const fs = require("fs");
    const path = require("path");
    const { parseAllDocuments } = require("yaml");
    const [team, folder] = process.argv.slice(1);
    const kinds = ["Workspace", "WebApplication", "Infrastructure", "Topic", "VirtualCluster"];
    const files = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? files(path.join(dir, entry.name)) : /\.ya?ml$/.test(entry.name) ? [path.join(dir, entry.name)] : []);
    const declared = files(folder)
      .flatMap((file) => parseAllDocuments(fs.readFileSync(file, "utf8")).map((doc) => doc.toJS()))
      .filter((object) => object && kinds.includes(object.kind))
      .map((object) => ({ kind: object.kind, name: object.metadata.name }));
    const report = JSON.parse(fs.readFileSync(0, "utf8"));
    const reported = (report.teams.find((entry) => entry.name === team) || { instances: [] }).instances;
    const problems = [];
    if (declared.length === 0) problems.push(folder + " declares no abstraction instance");
    for (const { kind, name } of declared) {
      const row = reported.find((entry) => entry.kind === kind && entry.name === name);
      if (!row) problems.push(kind + " " + name + " does not exist in the cluster");
      else if (!row.ready) problems.push(kind + " " + name + " is " + row.state + ": " + (row.message || row.reason || "not ready"));
    }
    for (const problem of problems) console.error("e2e: " + team + ": " + problem);
    if (problems.length > 0) process.exit(1);
    console.error("e2e: " + team + ": " + declared.map((entry) => entry.kind + " " + entry.name).join(", ") + " ready");
  ' "$@"
}

# The team's Kafka credentials reach its namespace only through Strimzi's user operator and
# Kyverno's copy; status sees neither, so ask for the Secret itself (its data stays unread).
check_kafka_credentials() {
  local team="$1"
  if kubectl --context "kind-$CLUSTER" -n "$team" get secret kafka-credentials >/dev/null; then
    printf 'e2e: %s: Kafka credentials are in its namespace\n' "$team" >&2
  else
    printf 'e2e: %s: no Secret kafka-credentials in its namespace (KafkaUser %s in kafka, policy tenant-kafka-credentials)\n' "$team" "$team" >&2
    return 1
  fi
}

check_team() {
  local team="$1"
  local json
  local code=0
  # Exit code 1 (not ready) still prints the report that explains it; 2 prints nothing to parse.
  json="$(npm run -s status -- --cluster "$CLUSTER" --team "$team" --json)" || code=$?
  if ((code > 1)); then
    printf 'e2e: %s: status could not read the cluster (exit code %s)\n' "$team" "$code" >&2
    return 1
  fi
  check_team_json "$team" "$ROOT/user-space/$team" <<<"$json" || return 1
  check_kafka_credentials "$team"
}

main() {
  cd "$ROOT"
  log "installing dependencies and synthesizing dist/"
  npm ci
  npm run synth
  trap cleanup EXIT
  "$ROOT/cluster/bootstrap.sh" --no-wait "$CLUSTER"
  log "waiting for every layer, abstraction and team"
  npm run -s status -- --cluster "$CLUSTER" --wait 20m
  local teams=()
  local dir
  for dir in "$ROOT"/user-space/*/; do
    teams+=("$(basename "$dir")")
  done
  ((${#teams[@]} > 0)) || {
    printf 'e2e: user-space/ has no team folder to check\n' >&2
    exit 1
  }
  local failed=0
  local team
  for team in "${teams[@]}"; do
    check_team "$team" || failed=1
  done
  ((failed == 0)) || exit 1
  log "end-to-end check passed for ${teams[*]}"
}

main
