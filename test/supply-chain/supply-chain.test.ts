import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { BOOTSTRAP_MANIFESTS, CHARTS, ChartVersion, TOOLS, VERSIONS } from '../../config/versions';
import { ROOT } from '../../src/paths';
import { readTree } from '../../src/synth/dist-folder';
import { tempDir } from '../helpers';
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
      '',
    ].join('\n');
    expect(checkDownloads('s.sh', [script])).toEqual([
      { at: 's.sh:6', problem: expect.stringContaining('not checked against a SHA-256') },
      { at: 's.sh:9', problem: expect.stringContaining('piped into a program') },
      { at: 's.sh:10', problem: expect.stringContaining('does not go into a file') },
      { at: 's.sh:11', problem: expect.stringContaining('kubectl applies a URL') },
      { at: 's.sh:12', problem: expect.stringContaining('kubectl applies a URL') },
      { at: 's.sh:14', problem: expect.stringContaining('not checked against a SHA-256') },
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

describe('OCI charts', () => {
  const pinned = (Object.values(CHARTS) as ChartVersion[]).filter((chart) => chart.digest);

  it('are the only charts with a digest, each a sha256 digest', () => {
    expect(pinned.length).toBeGreaterThan(0);
    for (const chart of pinned) {
      expect(chart.repository).toMatch(/^oci:\/\//);
      expect(chart.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
  });

  it('are pulled by their digest where it is known, with the tag kept for readers', () => {
    const dist = readTree(path.join(ROOT, 'dist'));
    for (const chart of pinned) {
      for (const cluster of ['dev', 'prd']) {
        const source = parseAllDocuments(dist.get(`${cluster}/helm-repositories/ocirepository-${chart.chart}.yaml`) ?? '')[0]?.toJS() as { spec: { ref: unknown } };
        expect(source.spec.ref).toEqual({ digest: chart.digest, tag: chart.version });
      }
    }
  });
});
