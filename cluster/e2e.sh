#!/usr/bin/env bash
# End-to-end check on a machine with Docker: synthesizes dist/, bootstraps the dev kind cluster,
# waits for every layer, checks that each example team under user-space/ got what it asked for
# (every instance ready, except those cluster/e2e-expectations.yaml expects not to be, with the
# evidence why), then sends real traffic: HTTP through the shared Gateway, a Kafka produce and
# consume as a team's user and a refused read of another team's topic, a PostgreSQL session with
# the operator's generated credentials, and a Deployment inside a VirtualCluster that must run on
# the host; then that a web application's metrics and logs arrive, that each team sees only its
# own (Loki's tenants, prom-label-proxy, its Grafana organization), and that `npm run logs` shows
# them. Deletes the cluster on exit unless KEEP_CLUSTER=1.
#
# Usage: cluster/e2e.sh          (needs docker, kind, kubectl, helm and flux; see bootstrap.sh)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLUSTER=dev
CONTEXT="kind-$CLUSTER"
EXPECTATIONS="$ROOT/cluster/e2e-expectations.yaml"
WORK="$(mktemp -d)"
PORT_FORWARD_PID=""

log() {
  printf '==> %s\n' "$*" >&2
}

fail() {
  printf 'e2e: %s\n' "$*" >&2
  return 1
}

cleanup() {
  if [[ -n "$PORT_FORWARD_PID" ]]; then
    kill "$PORT_FORWARD_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  if [[ "${KEEP_CLUSTER:-0}" == 1 ]]; then
    log "KEEP_CLUSTER=1: leaving kind cluster $CLUSTER running (cluster/teardown.sh $CLUSTER deletes it)"
  else
    log "deleting kind cluster $CLUSTER"
    "$ROOT/cluster/teardown.sh" "$CLUSTER" || true
  fi
}

kube() {
  kubectl --context "$CONTEXT" "$@"
}

# A value of cluster/e2e-expectations.yaml, by dotted path (e.g. traffic.http.team).
expectation() {
  node -e '
    const { parse } = require("yaml");
    const value = process.argv[2].split(".").reduce((node, key) => (node == null ? node : node[key]), parse(require("fs").readFileSync(process.argv[1], "utf8")));
    if (value == null) { console.error("e2e: " + process.argv[1] + " has no " + process.argv[2]); process.exit(1); }
    console.log(value);
  ' "$EXPECTATIONS" "$1"
}

# Retries a command every 5 s until it succeeds or `seconds` have passed.
# Arguments: seconds, command...
retry() {
  local seconds="$1"
  shift
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 5
  done
}

# The team's Kafka credentials reach its namespace only through Strimzi's user operator and
# Kyverno's copy; status sees neither, so ask for the Secret itself (its data stays unread).
check_kafka_credentials() {
  local team="$1"
  if kube -n "$team" get secret kafka-credentials >/dev/null; then
    printf 'e2e: %s: Kafka credentials are in its namespace\n' "$team" >&2
  else
    fail "$team: no Secret kafka-credentials in its namespace (KafkaUser $team in kafka, policy tenant-kafka-credentials)"
  fi
}

check_team() {
  local team="$1"
  local code=0
  # Exit code 1 (not ready) still prints the report that explains it; 2 prints nothing to parse.
  npm run -s status -- --cluster "$CLUSTER" --team "$team" --json >"$WORK/status-$team.json" || code=$?
  if ((code > 1)); then
    fail "$team: status could not read the cluster (exit code $code)"
    return 1
  fi
  kube -n "$team" get pods -o json >"$WORK/pods-$team.json"
  node "$ROOT/cluster/e2e-verdict.js" "$team" "$ROOT/user-space/$team" "$EXPECTATIONS" "$WORK/pods-$team.json" <"$WORK/status-$team.json" || return 1
  check_kafka_credentials "$team"
}

# Judges a team until it is as expected or 15 minutes have passed; prints the last verdict.
wait_for_team() {
  local team="$1"
  log "waiting for team $team"
  attempt() {
    check_team "$team" 2>"$WORK/verdict-$team.log"
  }
  local code=0
  retry 900 attempt || code=$?
  cat "$WORK/verdict-$team.log" >&2
  return "$code"
}

# Runs a one-off pod that meets the restricted Pod Security level in `namespace` and waits for it
# to succeed; prints its log. The pod's environment comes from Secret keys.
# Arguments: namespace, pod name, image, user id, script, then NAME=secret/key pairs.
run_pod() {
  local namespace="$1" name="$2" image="$3" user="$4" script="$5"
  shift 5
  local env="" pair
  for pair in "$@"; do
    local variable="${pair%%=*}" reference="${pair#*=}"
    env+="{\"name\": \"$variable\", \"valueFrom\": {\"secretKeyRef\": {\"name\": \"${reference%%/*}\", \"key\": \"${reference#*/}\"}}},"
  done
  kube -n "$namespace" delete pod "$name" --ignore-not-found >/dev/null
  kube -n "$namespace" apply -f - >/dev/null <<EOF
{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {"name": "$name", "labels": {"app.kubernetes.io/part-of": "mini-atlas-e2e"}},
  "spec": {
    "restartPolicy": "Never",
    "automountServiceAccountToken": false,
    "securityContext": {"runAsNonRoot": true, "runAsUser": $user, "runAsGroup": $user, "seccompProfile": {"type": "RuntimeDefault"}},
    "containers": [{
      "name": "client",
      "image": "$image",
      "command": ["sh", "-c", $(node -e 'console.log(JSON.stringify(process.argv[1]))' "$script")],
      "env": [${env%,}],
      "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}, "runAsNonRoot": true}
    }]
  }
}
EOF
  local phase=""
  local deadline=$((SECONDS + 300))
  while ((SECONDS < deadline)); do
    phase="$(kube -n "$namespace" get pod "$name" -o jsonpath='{.status.phase}')"
    [[ "$phase" == Succeeded || "$phase" == Failed ]] && break
    sleep 5
  done
  kube -n "$namespace" logs "$name" || true
  kube -n "$namespace" delete pod "$name" --ignore-not-found >/dev/null
  [[ "$phase" == Succeeded ]] || fail "pod $namespace/$name ended $phase"
}

check_http() {
  local team host body ca redirect
  team="$(expectation traffic.http.team)"
  host="$(kube -n "$team" get webapplication "$(expectation traffic.http.webApplication)" -o jsonpath='{.spec.host}')"
  body="$(expectation traffic.http.bodyContains)"
  # dev's certificates come from the platform's local CA (see cluster/bootstrap.sh); trust it for this check only.
  ca="$WORK/local-ca.crt"
  retry 60 kube -n "$(dist_env CERTIFICATES_NAMESPACE)" get secret "$(dist_env LOCAL_CA_SECRET)" -o jsonpath='{.data.ca\.crt}' >/dev/null || fail "the local CA Secret never appeared"
  kube -n "$(dist_env CERTIFICATES_NAMESPACE)" get secret "$(dist_env LOCAL_CA_SECRET)" -o jsonpath='{.data.ca\.crt}' | base64 -d >"$ca"
  log "HTTPS: https://$host/ through the shared Gateway on the node's port 443, and http:// redirected to it"
  https_answers() {
    curl -fsS --max-time 10 --cacert "$ca" --resolve "$host:443:127.0.0.1" "https://$host/" | grep -qF "$body"
  }
  retry 180 https_answers || fail "https://$host/ (via 127.0.0.1:443, certificate from the local CA) did not answer with \"$body\""
  redirect="$(curl -sS --max-time 10 -o /dev/null -w '%{http_code} %{redirect_url}' -H "Host: $host" http://127.0.0.1/)"
  [[ "$redirect" == "301 https://$host/" ]] || fail "http://$host/ answered \"$redirect\", not a 301 to https://$host/"
  printf 'e2e: %s: https://%s/ answers through the shared Gateway; http:// redirects to it\n' "$team" "$host" >&2
}

# A value synth wrote for bootstrap into dist/<cluster>/bootstrap/versions.env.
dist_env() {
  sed -n "s/^$1=//p" "$ROOT/dist/$CLUSTER/bootstrap/versions.env"
}

check_kafka() {
  local team topic other image bootstrap message client
  team="$(expectation traffic.kafka.team)"
  other="$(expectation traffic.kafka.otherTeam)"
  topic="$(kube -n "$team" get topic "$(expectation traffic.kafka.topic)" -o jsonpath='{.status.topicName}')"
  [[ -n "$topic" ]] || fail "Topic $(expectation traffic.kafka.topic) of $team has no status.topicName"
  # The client tools of the very image the brokers run.
  image="$(kube -n kafka get pods -l strimzi.io/kind=Kafka,strimzi.io/broker-role=true -o jsonpath='{.items[0].spec.containers[0].image}')"
  bootstrap="$(kube -n kafka get kafkas.kafka.strimzi.io -o jsonpath='{.items[0].status.listeners[?(@.name=="plain")].bootstrapServers}')"
  message="e2e-$RANDOM-$RANDOM"
  # shellcheck disable=SC2016 # expanded in the pod
  client='printf "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=%s\n" "$JAAS" >/tmp/client.properties'
  log "Kafka: produce and consume on $topic as $team"
  run_pod "$team" e2e-kafka "$image" 1001 "$client
echo '$message' | /opt/kafka/bin/kafka-console-producer.sh --bootstrap-server $bootstrap --topic $topic --producer.config /tmp/client.properties
/opt/kafka/bin/kafka-console-consumer.sh --bootstrap-server $bootstrap --topic $topic --group $team.e2e --from-beginning --timeout-ms 60000 --consumer.config /tmp/client.properties | grep -qxF '$message'" \
    JAAS=kafka-credentials/sasl.jaas.config >"$WORK/kafka.log" || { cat "$WORK/kafka.log" >&2; fail "$team could not produce and consume $topic"; }
  printf 'e2e: %s: produced and consumed on %s as its own Kafka user\n' "$team" "$topic" >&2
  log "Kafka: $other reads $topic, which its ACLs must refuse"
  run_pod "$other" e2e-kafka-refused "$image" 1001 "$client
/opt/kafka/bin/kafka-console-consumer.sh --bootstrap-server $bootstrap --topic $topic --group $other.e2e --from-beginning --timeout-ms 30000 --consumer.config /tmp/client.properties >/tmp/out 2>&1
cat /tmp/out
grep -q 'TopicAuthorizationException\|Not authorized to access topics' /tmp/out" \
    JAAS=kafka-credentials/sasl.jaas.config >"$WORK/kafka-refused.log" || { cat "$WORK/kafka-refused.log" >&2; fail "$other read $topic of $team, or failed otherwise: Kafka must refuse it (TopicAuthorizationException)"; }
  printf 'e2e: %s: reading %s of %s is refused\n' "$other" "$topic" "$team" >&2
}

check_postgres() {
  local team name image owner
  team="$(expectation traffic.postgres.team)"
  name="$(expectation traffic.postgres.infrastructure)"
  # psql of the very image CloudNativePG runs the database with (its postgres user is uid 26).
  image="$(kube -n "$team" get clusters.postgresql.cnpg.io "$name" -o jsonpath='{.status.image}')"
  owner="$(kube -n "$team" get infrastructure "$name" -o jsonpath='{.spec.database}')"
  log "PostgreSQL: connect to $name as its owner with the generated credentials"
  # shellcheck disable=SC2016 # expanded in the pod
  run_pod "$team" e2e-postgres "$image" 26 'psql "$DATABASE_URI" -tAc "select current_user" | grep -qx "$OWNER"' \
    DATABASE_URI="$name-app/uri" OWNER="$name-app/username" >"$WORK/postgres.log" || { cat "$WORK/postgres.log" >&2; fail "no PostgreSQL session on $name as $owner"; }
  printf 'e2e: %s: PostgreSQL session on %s as %s, with the credentials in Secret %s-app\n' "$team" "$name" "$owner" "$name" >&2
}

check_virtual_cluster() {
  local team name kubeconfig image host_pod virtual_pod
  team="$(expectation traffic.virtualCluster.team)"
  name="$(expectation traffic.virtualCluster.name)"
  kubeconfig="$WORK/vcluster.kubeconfig"
  log "VirtualCluster: a Deployment inside $name must run on the host in $team"
  # vcluster writes a kubeconfig for https://localhost:8443: forward that port to its Service.
  kube -n "$team" get secret "vc-$name" -o jsonpath='{.data.config}' | base64 -d >"$kubeconfig"
  kube -n "$team" port-forward "svc/$name" 8443:443 >/dev/null 2>&1 &
  PORT_FORWARD_PID=$!
  retry 60 kubectl --kubeconfig "$kubeconfig" get namespace default >/dev/null || fail "the API server of $name does not answer through the port-forward"
  image="$(kube -n "$(expectation traffic.http.team)" get deployment "$(expectation traffic.http.webApplication)" -o jsonpath='{.spec.template.spec.containers[0].image}')"
  kubectl --kubeconfig "$kubeconfig" apply -f - >/dev/null <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: e2e-hello, namespace: default}
spec:
  selector: {matchLabels: {app: e2e-hello}}
  template:
    metadata: {labels: {app: e2e-hello}}
    spec:
      automountServiceAccountToken: false
      securityContext: {runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: hello
          image: $image
          securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, runAsNonRoot: true}
EOF
  kubectl --kubeconfig "$kubeconfig" -n default wait --for=condition=Available deployment/e2e-hello --timeout=300s >/dev/null ||
    fail "Deployment e2e-hello in $name never became available"
  virtual_pod="$(kubectl --kubeconfig "$kubeconfig" -n default get pods -l app=e2e-hello -o jsonpath='{.items[0].metadata.name}')"
  # vcluster syncs the pod into its own namespace on the host, renamed <pod>-x-<namespace>-x-<vcluster>
  # (hashed past 63 characters), and notes the virtual name and namespace in annotations.
  host_pod="$(kube -n "$team" get pods -o json | node -e '
    const [name, namespace] = process.argv.slice(1);
    const pods = JSON.parse(require("fs").readFileSync(0, "utf8")).items;
    const pod = pods.find((p) => (p.metadata.annotations || {})["vcluster.loft.sh/object-name"] === name && p.metadata.annotations["vcluster.loft.sh/object-namespace"] === namespace);
    if (pod && pod.status.phase === "Running" && pod.metadata.name !== name) console.log(pod.metadata.name);
  ' "$virtual_pod" default)"
  [[ -n "$host_pod" ]] || fail "pod default/$virtual_pod of $name does not run on the host in $team under a name of its own"
  kubectl --kubeconfig "$kubeconfig" -n default delete deployment e2e-hello >/dev/null
  kill "$PORT_FORWARD_PID" 2>/dev/null || true
  PORT_FORWARD_PID=""
  printf 'e2e: %s: pod %s of virtual cluster %s runs on the host as %s/%s\n' "$team" "$virtual_pod" "$name" "$team" "$host_pod" >&2
}

# How many series (Prometheus) or streams (Loki) a query of a port-forwarded monitoring Service
# answers with; 0 when it fails. Arguments: local port, API path, query; extra curl arguments after.
count_results() {
  local port="$1" api="$2" query="$3"
  shift 3
  curl -fsS --max-time 10 --get --data-urlencode "query=$query" "$@" "http://127.0.0.1:$port$api" 2>/dev/null |
    node -e 'let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => { try { console.log(JSON.parse(s).data.result.length); } catch { console.log(0); } });' ||
    echo 0
}

has_results() {
  (($(count_results "$@") > 0))
}

# Whether a query is answered, and with nothing: the data is there (a query under the right
# tenant found it), so an empty answer is the isolation at work. Arguments as count_results.
answers_nothing() {
  local port="$1" api="$2" query="$3"
  shift 3
  curl -fsS --max-time 10 --get --data-urlencode "query=$query" "$@" "http://127.0.0.1:$port$api" 2>/dev/null |
    node -e 'let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => { try { process.exit(JSON.parse(s).data.result.length === 0 ? 0 : 1); } catch { process.exit(1); } });'
}

# Whether every series a Prometheus query answers with (one at least) is of `namespace`.
# Arguments: local port, API path, query, namespace; extra curl arguments after.
only_namespace() {
  local port="$1" api="$2" query="$3" namespace="$4"
  shift 4
  curl -fsS --max-time 10 --get --data-urlencode "query=$query" "$@" "http://127.0.0.1:$port$api" 2>/dev/null |
    node -e 'let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => { try { const r = JSON.parse(s).data.result; process.exit(r.length > 0 && r.every((x) => x.metric.namespace === process.argv[1]) ? 0 : 1); } catch { process.exit(1); } });' "$namespace"
}

# Runs a command while a port-forward to a monitoring Service is open.
# Arguments: Service, ports (`port`, or `local:remote`), command...
forwarding() {
  local service="$1" ports="$2"
  shift 2
  kube -n monitoring port-forward "svc/$service" "$ports" >/dev/null 2>&1 &
  PORT_FORWARD_PID=$!
  local code=0
  "$@" || code=$?
  kill "$PORT_FORWARD_PID" 2>/dev/null || true
  PORT_FORWARD_PID=""
  return "$code"
}

# Loki has the app's lines, labelled namespace, app and pod, under its team's tenant (polled up
# to 5 minutes: shipping lags), and none under another team's.
check_loki() {
  local team="$1" app="$2" other="$3" query start
  query="{namespace=\"$team\", app=\"$app\", pod=~\"$app-.+\"}"
  start="$(($(date +%s) - 3600))000000000"
  retry 300 has_results 3100 /loki/api/v1/query_range "$query" --data-urlencode "start=$start" -H "X-Scope-OrgID: $team" ||
    fail "Loki has no log line of $app labelled namespace, app and pod under tenant $team after 5 minutes" || return 1
  printf 'e2e: %s: Loki has %s logs labelled namespace, app and pod, under tenant %s\n' "$team" "$app" "$team" >&2
  answers_nothing 3100 /loki/api/v1/query_range "$query" --data-urlencode "start=$start" -H "X-Scope-OrgID: $other" ||
    fail "Loki does not answer tenant $other with nothing for $team's logs" || return 1
  printf 'e2e: %s: Loki gives tenant %s none of them\n' "$team" "$other" >&2
}

# prom-label-proxy answers a team's header with its own series only.
check_label_proxy() {
  local team="$1" app="$2" other="$3" query
  query="up{pod=~\"$app-.+\"}"
  retry 60 only_namespace 8080 /api/v1/query up "$team" -H "X-Namespace: $team" ||
    fail "prom-label-proxy does not answer $team with series of its namespace only" || return 1
  has_results 8080 /api/v1/query "$query" -H "X-Namespace: $team" || fail "prom-label-proxy gives $team no series of $app" || return 1
  answers_nothing 8080 /api/v1/query "$query" -H "X-Namespace: $other" || fail "prom-label-proxy does not answer $other with nothing for $app" || return 1
  printf 'e2e: %s: prom-label-proxy gives %s its series of %s, and %s none\n' "$team" "$team" "$app" "$other" >&2
}

# The organization sync made the team's Grafana organization, whose data sources (queried
# through Grafana, as its admin acting in that organization) return the team's data only.
check_grafana() {
  local team="$1" app="$2" other="$3" credentials org start
  credentials="$(kube -n monitoring get secret grafana -o jsonpath='{.data.admin-user}' | base64 -d):$(kube -n monitoring get secret grafana -o jsonpath='{.data.admin-password}' | base64 -d)"
  retry 120 curl -fsS --max-time 10 -u "$credentials" "http://127.0.0.1:3000/api/orgs/name/$team" -o "$WORK/organization.json" ||
    fail "Grafana has no organization $team after 2 minutes (the org-sync container of the Grafana pod makes it)" || return 1
  org="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).id)' "$WORK/organization.json")"
  start="$(($(date +%s) - 3600))000000000"
  local as_team=(-u "$credentials" -H "X-Grafana-Org-Id: $org")
  retry 120 has_results 3000 /api/datasources/proxy/uid/loki/loki/api/v1/query_range "{namespace=\"$team\", app=\"$app\"}" --data-urlencode "start=$start" "${as_team[@]}" ||
    fail "Grafana's organization $team does not show $app's logs" || return 1
  answers_nothing 3000 /api/datasources/proxy/uid/loki/loki/api/v1/query_range "{namespace=\"$other\"}" --data-urlencode "start=$start" "${as_team[@]}" ||
    fail "Grafana's organization $team shows logs of $other" || return 1
  only_namespace 3000 /api/datasources/proxy/uid/prometheus/api/v1/query up "$team" "${as_team[@]}" ||
    fail "Grafana's organization $team shows series of other namespaces than $team" || return 1
  printf 'e2e: %s: its Grafana organization (%s) shows its logs and metrics, and none of %s\n' "$team" "$org" "$other" >&2
}

# The shop's own metrics reach Prometheus (scraped through the PodMonitor its `metrics` field
# makes, admitted by the NetworkPolicy beside it) and its logs reach Loki labelled namespace, app
# and pod, each team seeing only its own through prom-label-proxy, Loki's tenants and its Grafana
# organization; `npm run logs` shows its pods' lines.
check_observability() {
  local team app other lines
  team="$(expectation traffic.observability.team)"
  app="$(expectation traffic.observability.webApplication)"
  other="$(expectation traffic.observability.otherTeam)"
  log "observability: $app's metrics and logs, kept from $other, and npm run logs"
  forwarding prometheus-prometheus 9090 retry 300 has_results 9090 /api/v1/query \
    "process_cpu_seconds_total{namespace=\"$team\", pod=~\"$app-.*\"} and on (pod) (up{namespace=\"$team\"} == 1)" ||
    fail "Prometheus has no series of $app's own metrics from a target that is up after 5 minutes" || return 1
  printf 'e2e: %s: Prometheus scrapes %s own metrics\n' "$team" "$app" >&2
  forwarding prom-label-proxy 8080 check_label_proxy "$team" "$app" "$other" || return 1
  forwarding loki 3100 check_loki "$team" "$app" "$other" || return 1
  forwarding grafana 3000:80 check_grafana "$team" "$app" "$other" || return 1
  lines="$(npm run -s logs -- "$team/$app" --cluster "$CLUSTER" --since 1h)" || fail "npm run logs -- $team/$app failed" || return 1
  grep -q "^\[$app-[a-z0-9-]*\] " <<<"$lines" || fail "npm run logs -- $team/$app printed no line behind a pod name" || return 1
  printf 'e2e: %s: npm run logs shows %s, each line behind its pod\n' "$team" "$app" >&2
}

main() {
  cd "$ROOT"
  log "installing dependencies and synthesizing dist/"
  npm ci
  npm run synth
  trap cleanup EXIT
  # Bootstrap waits until every layer's Kustomization is Ready: their health checks make that
  # mean the Kafka, the Gateway, the policies, the RGDs and the Workspaces are.
  "$ROOT/cluster/bootstrap.sh" "$CLUSTER"
  local teams=() dir team failed=0
  for dir in "$ROOT"/user-space/*/; do
    teams+=("$(basename "$dir")")
  done
  ((${#teams[@]} > 0)) || fail "user-space/ has no team folder to check"
  for team in "${teams[@]}"; do
    wait_for_team "$team" || failed=1
  done
  ((failed == 0)) || exit 1
  check_http
  check_kafka
  check_postgres
  check_virtual_cluster
  check_observability
  log "end-to-end check passed for ${teams[*]}"
}

main
