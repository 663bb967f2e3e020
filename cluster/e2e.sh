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

# Forwards 127.0.0.1:<local> to <service>:<port> in monitoring for as long as the script runs.
# Arguments: service, port, local port.
forward_monitoring() {
  kubectl --context "kind-$CLUSTER" -n monitoring port-forward "svc/$1" "$3:$2" >/dev/null 2>&1 &
  FORWARDS+=("$!")
}

stop_forwards() {
  local pid
  for pid in "${FORWARDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
}

# How many series (Prometheus) or streams (Loki) a query answered with; 0 when it failed.
# Arguments: URL of the query endpoint, query; extra curl arguments after them.
count_results() {
  local url="$1" query="$2"
  shift 2
  curl -fsS --max-time 10 --get --data-urlencode "query=$query" "$@" "$url" 2>/dev/null |
    node -e 'let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => { try { console.log(JSON.parse(s).data.result.length); } catch { console.log(0); } });' ||
    echo 0
}

# Polls `count_results` until it is above zero or five minutes have passed (scrapes and log
# shipping lag a little behind the pods). Arguments: what, then count_results' arguments.
wait_for_results() {
  local what="$1"
  shift
  local deadline=$((SECONDS + 300))
  while ((SECONDS < deadline)); do
    if (($(count_results "$@") > 0)); then
      printf 'e2e: observability: %s\n' "$what" >&2
      return 0
    fi
    sleep 10
  done
  printf 'e2e: observability: no %s after 5 minutes (query: %s)\n' "$what" "$2" >&2
  return 1
}

# A team application's metrics reach Prometheus and its logs reach Loki (both queried through a
# port-forward), and `npm run logs` shows its pods' lines. Arguments: team, WebApplication name.
check_observability() {
  local team="$1" app="$2"
  local failed=0
  FORWARDS=()
  # A failing check exits the script: the forwards must not outlive it.
  trap 'stop_forwards; cleanup' EXIT
  forward_monitoring prometheus-prometheus 9090 19090
  forward_monitoring loki 3100 13100
  sleep 3
  # The app's own metrics, scraped through the PodMonitor its `metrics` field makes (and admitted
  # by the NetworkPolicy beside it): podinfo's Go runtime series, from a target that is up.
  wait_for_results "Prometheus scrapes $app's own metrics" \
    http://127.0.0.1:19090/api/v1/query "process_cpu_seconds_total{namespace=\"$team\", pod=~\"$app-.*\"} and on (pod) (up{namespace=\"$team\"} == 1)" || failed=1
  wait_for_results "Loki has $app's logs labelled namespace, app and pod" \
    http://127.0.0.1:13100/loki/api/v1/query_range "{namespace=\"$team\", app=\"$app\", pod=~\"$app-.+\"}" --data-urlencode "start=$(($(date +%s) - 3600))000000000" || failed=1
  local lines
  lines="$(npm run -s logs -- "$team/$app" --cluster "$CLUSTER" --since 1h)" || failed=1
  if grep -q "^\[$app-[a-z0-9-]*\] " <<<"$lines"; then
    printf 'e2e: observability: npm run logs shows %s/%s, each line behind its pod\n' "$team" "$app" >&2
  else
    printf 'e2e: observability: npm run logs showed no line of %s/%s\n' "$team" "$app" >&2
    failed=1
  fi
  stop_forwards
  return "$failed"
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
  # team-b's shop is the example that runs (podinfo); its metrics and logs must arrive.
  check_observability team-b team-b-shop || failed=1
  ((failed == 0)) || exit 1
  log "end-to-end check passed for ${teams[*]}"
}

main
