// The I/O floor of a synth: what any tool must do to turn the team files into instance files, and
// nothing else. It reads and parses every YAML file of every team folder (js-yaml, as synth reads
// valid files) and writes each team's documents, serialized as synth serializes them, into
// `<out>/<cluster>/tenants/<team>/instances.yaml` for every cluster named: the files and folders
// that make up most of a synth's output. No checks, no rendering, no platform objects.
//
//   node bench/io-floor.js <user-space> <out> <cluster>...
//
// Plain JavaScript run by Node itself, in one process: a floor must not pay for a bundle or a
// TypeScript loader. `npm run bench` times it beside synth on the same generated teams.
'use strict';
const fs = require('fs');
const path = require('path');
const { dump, loadAll } = require('js-yaml');

const [userSpace, out, ...clusters] = process.argv.slice(2);
if (!userSpace || !out || clusters.length === 0) {
  process.stderr.write('usage: node bench/io-floor.js <user-space> <out> <cluster>...\n');
  process.exit(2);
}

/** Every YAML file below `folder` (a team's own files and its clusters/<cluster>/ overrides), sorted. */
function yamlFiles(folder) {
  const files = [];
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const absolute = path.join(folder, entry.name);
    if (entry.isDirectory()) files.push(...yamlFiles(absolute));
    else if (/\.ya?ml$/i.test(entry.name)) files.push(absolute);
  }
  return files.sort();
}

for (const team of fs.readdirSync(userSpace).sort()) {
  const documents = yamlFiles(path.join(userSpace, team)).flatMap((file) => loadAll(fs.readFileSync(file, 'utf8')));
  // Serialized once for every cluster, as synth does for a document without a cluster override.
  const text = documents.map((document) => dump(document, { lineWidth: -1, noRefs: true })).join('---\n');
  for (const cluster of clusters) {
    const folder = path.join(out, cluster, 'tenants', team);
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'instances.yaml'), text);
  }
}
