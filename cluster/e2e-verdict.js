// @ts-check
/**
 * The e2e's verdict on one team (cluster/e2e.sh runs it; test/cluster/e2e.test.ts tests it):
 * every abstraction instance the team's folder declares must exist and be ready, except those
 * cluster/e2e-expectations.yaml lists as expected not to be ready, which must exist, must not be
 * ready, and must show their evidence in the team's pods.
 *
 * Usage: node cluster/e2e-verdict.js <team> <team-folder> <expectations.yaml> <pods.json> < status.json
 * (status.json: `npm run status -- --team <team> --json`; pods.json: `kubectl get pods -n <team> -o json`).
 * Prints one line per finding to stderr; exit 0 when the team is as expected, 1 when not.
 */
const fs = require('fs');
const path = require('path');
const { parse, parseAllDocuments } = require('yaml');

const KINDS = ['Workspace', 'WebApplication', 'Infrastructure', 'Topic', 'VirtualCluster'];

/** Every abstraction instance under `folder` (overrides included), by kind and name, each once. */
function declaredInstances(folder) {
  const files = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? files(path.join(dir, entry.name)) : /\.ya?ml$/.test(entry.name) ? [path.join(dir, entry.name)] : []);
  const seen = new Map();
  for (const file of files(folder).sort()) {
    for (const document of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      const object = document.toJS();
      if (object && KINDS.includes(object.kind) && object.metadata && object.metadata.name) seen.set(`${object.kind} ${object.metadata.name}`, { kind: object.kind, name: object.metadata.name });
    }
  }
  return [...seen.values()];
}

/** cluster/e2e-expectations.yaml, parsed. */
function loadExpectations(file) {
  return parse(fs.readFileSync(file, 'utf8'));
}

/** Whether `labels` carry every `key=value` of `selector` (comma-separated). */
function matches(labels, selector) {
  return selector.split(',').every((pair) => {
    const [key, value] = pair.split('=');
    return labels !== undefined && labels[key] === value;
  });
}

/** The reasons the containers of `pods` matching `selector` are waiting or were terminated for. */
function containerReasons(pods, selector) {
  return pods.items
    .filter((pod) => matches(pod.metadata.labels, selector))
    .flatMap((pod) => [...(pod.status.containerStatuses || []), ...(pod.status.initContainerStatuses || [])])
    .flatMap((container) => [container.state && container.state.waiting, container.state && container.state.terminated, container.lastState && container.lastState.terminated])
    .filter(Boolean)
    .map((state) => state.reason);
}

/**
 * Judges `team`: `declared` instances, the `report` of `status --json`, the `expectations` file
 * and the team's `pods`. Returns what is wrong (problems) and what is as expected (notes).
 */
function judgeTeam(team, declared, report, expectations, pods) {
  const problems = [];
  const notes = [];
  const rows = (report.teams.find((entry) => entry.name === team) || { instances: [] }).instances;
  const expected = (expectations.notReady || []).filter((entry) => entry.team === team);
  if (declared.length === 0) problems.push(`declares no abstraction instance`);
  for (const entry of expected) {
    if (!declared.some(({ kind, name }) => kind === entry.kind && name === entry.name)) {
      problems.push(`cluster/e2e-expectations.yaml expects ${entry.kind} ${entry.name} not to become ready, but the team declares no such instance: remove the entry`);
    }
  }
  for (const { kind, name } of declared) {
    const row = rows.find((entry) => entry.kind === kind && entry.name === name);
    const exception = expected.find((entry) => entry.kind === kind && entry.name === name);
    if (!row) problems.push(`${kind} ${name} does not exist in the cluster`);
    else if (exception && row.ready) problems.push(`${kind} ${name} is ready, but cluster/e2e-expectations.yaml expects it not to be (${exception.why}): remove the entry`);
    else if (exception) {
      const reasons = containerReasons(pods, exception.evidence.pods);
      const shown = reasons.filter((reason) => exception.evidence.reasons.includes(reason));
      if (shown.length === 0) problems.push(`${kind} ${name} is not ready, but not for the expected reason: no container of pods ${exception.evidence.pods} is ${exception.evidence.reasons.join(' or ')} (seen: ${reasons.join(', ') || 'none'}); kro says ${row.state}: ${row.message || row.reason || 'not ready'}`);
      else notes.push(`${kind} ${name} is not ready, as expected (${[...new Set(shown)].join(', ')}): ${exception.why}`);
    } else if (!row.ready) problems.push(`${kind} ${name} is ${row.state}: ${row.message || row.reason || 'not ready'}`);
    else notes.push(`${kind} ${name} is ready`);
  }
  return { problems, notes };
}

module.exports = { declaredInstances, loadExpectations, judgeTeam, containerReasons };

if (require.main === module) {
  const [team, folder, expectationsFile, podsFile] = process.argv.slice(2);
  const { problems, notes } = judgeTeam(
    team,
    declaredInstances(folder),
    JSON.parse(fs.readFileSync(0, 'utf8')),
    loadExpectations(expectationsFile),
    JSON.parse(fs.readFileSync(podsFile, 'utf8')),
  );
  for (const note of notes) process.stderr.write(`e2e: ${team}: ${note}\n`);
  for (const problem of problems) process.stderr.write(`e2e: ${team}: ${problem}\n`);
  process.exit(problems.length > 0 ? 1 : 0);
}
