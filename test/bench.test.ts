import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { addCluster } from '../bench/conventional/main';
import { generateTeams } from '../bench/generate-teams';
import { CommandFailed, measure, median } from '../bench/measure';
import { LARGE_TEAMS, REFERENCE_TEAMS, renderReport, Row } from '../bench/report';
import { parseOptions, runCase, scriptCommand } from '../bench/run';
import { CLUSTERS } from '../config/clusters';
import { NAMING_CONVENTION } from '../config/naming';
import { UsageError } from '../src/cli/usage-error';
import { ROOT } from '../src/paths';
import { tempDir, testApp } from './helpers';

interface Document {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec: Record<string, unknown>;
}

function readDocuments(file: string): Document[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map((document) => document.toJS() as Document);
}

describe('generateTeams', () => {
  let root: string;
  beforeEach(() => {
    root = tempDir('bench');
  });

  it('writes five one-document files per team under user-space/<team>/', () => {
    const generated = generateTeams(root, 3);
    expect(generated.teams).toEqual(['team-0001', 'team-0002', 'team-0003']);
    expect(generated.files).toHaveLength(15);
    for (const team of generated.teams) expect(fs.readdirSync(path.join(root, 'user-space', team))).toHaveLength(5);
    for (const file of generated.files) expect(readDocuments(file)).toHaveLength(1);
    const kinds = generated.files.filter((file) => file.includes('team-0002')).map((file) => readDocuments(file)[0].kind);
    expect(kinds.sort()).toEqual(['Infrastructure', 'Topic', 'WebApplication', 'WebApplication', 'Workspace']);
  });

  it('follows the naming convention, pins tags and keeps hosts unique across teams', () => {
    const documents = generateTeams(root, 3).files.flatMap(readDocuments);
    const hosts = documents.filter((document) => document.kind === 'WebApplication').map((document) => document.spec.host);
    expect(new Set(hosts).size).toBe(6);
    for (const document of documents) {
      expect(document.apiVersion).toBe('kro.run/v1alpha1');
      expect(document.spec.name).toBe(document.metadata.name);
      if (document.kind === 'Workspace') continue;
      const workspace = document.metadata.namespace!;
      expect(document.spec.namespace).toBe(workspace);
      expect(NAMING_CONVENTION.matches(workspace, document.metadata.name)).toBe(true);
      if (document.kind === 'WebApplication') expect(document.spec.tag).toMatch(/^\d/);
    }
  });
});

describe('the conventional baseline app', () => {
  it('builds the platform layers and one tenant Kustomization per team for every cluster', () => {
    const app = testApp();
    for (const cluster of CLUSTERS) addCluster(app, cluster, 2);
    const tenants = app.charts.filter((chart) => chart.node.id.endsWith('-tenants'));
    expect(tenants).toHaveLength(CLUSTERS.length);
    for (const chart of tenants) {
      const objects = chart.toJson() as { kind: string; metadata: { name: string } }[];
      expect(objects.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual(['Kustomization/tenant-team-0001', 'Kustomization/tenant-team-0002']);
    }
    expect(app.charts.length).toBe(CLUSTERS.length * 8);
  });
});

describe('bench options', () => {
  it('defaults to five sizes, the baseline at 1000 teams only, and three runs', () => {
    expect(parseOptions([])).toEqual({ sizes: [1, 100, 1000, 3000, 10000], baselineSizes: [1000], runs: 3 });
    expect(parseOptions(['--sizes', '1,10', '--runs', '1'])).toEqual({ sizes: [1, 10], baselineSizes: [], runs: 1 });
    expect(parseOptions(['--sizes', '1,10', '--baseline-sizes', '10'])).toEqual({ sizes: [1, 10], baselineSizes: [10], runs: 3 });
  });

  it('rejects what it does not understand', () => {
    expect(() => parseOptions(['--sizes', '1,x'])).toThrow(UsageError);
    expect(() => parseOptions(['--runs', '0'])).toThrow(UsageError);
    expect(() => parseOptions(['--runs'])).toThrow(UsageError);
    expect(() => parseOptions(['--fast', '1'])).toThrow(UsageError);
    expect(() => parseOptions(['--sizes', '1', '--baseline-sizes', '1000'])).toThrow(UsageError);
  });
});

describe('the I/O floor', () => {
  it("reads every team's files and writes its documents into each cluster's instance file", () => {
    const root = tempDir('bench-floor');
    const { userSpace, teams, files } = generateTeams(root, 2);
    const out = path.join(root, 'floor');
    const run = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'io-floor.js'), userSpace, out, 'dev', 'prd'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    for (const cluster of ['dev', 'prd']) {
      for (const team of teams) {
        const written = parseAllDocuments(fs.readFileSync(path.join(out, cluster, 'tenants', team, 'instances.yaml'), 'utf8')).map((document) => document.toJS());
        expect(written).toEqual(files.filter((file) => file.includes(`/${team}/`)).sort().flatMap(readDocuments));
      }
    }
  });
});

describe('the commands the bench times', () => {
  it("are the package.json scripts' command lines, Node's options included, without npm", () => {
    const synth = scriptCommand('synth', ['--out', 'x']);
    expect(synth.executable).toBe(process.execPath);
    expect(synth.args).toEqual(['--max-semi-space-size=4', '--heap-growing-percent=200', path.join(ROOT, 'bin', 'mini-atlas.js'), 'synth', '--out', 'x']);
    expect(scriptCommand('validate', []).args).toEqual([path.join(ROOT, 'bin', 'mini-atlas.js'), 'validate']);
    expect(() => scriptCommand('test', [])).toThrow('does not run node');
  });
});

describe('the report', () => {
  const LOAD = { before: 0.1, after: 0.2 };
  const row = (name: Row['name'], teams: number, medianSeconds: number, peakRssMiB = 100, bestSeconds = medianSeconds * 0.9): Row => ({
    name,
    teams,
    inputFiles: teams * 5,
    outcome: { kind: 'measured', medianSeconds, bestSeconds, medianCpuSeconds: medianSeconds * 1.5, peakRssMiB },
  });

  it('compares synth with the baseline and checks linearity from the marginal cost per team', () => {
    const report = renderReport(
      [row('synth', 100, 0.5), row('synth', REFERENCE_TEAMS, 1.4), row('synth', 3000, 3.4), row('baseline', REFERENCE_TEAMS, 10, 500)],
      'npm run bench',
      LOAD,
    );
    expect(report).toContain('synth vs the conventional app: 1.40 s vs 10.00 s wall = 14.0% (goal ≤ 25.0%): met; CPU time 14.0%');
    expect(report).toContain('synth linearity: time per team 5.00 ms at 100, 1.40 ms at 1000, 1.13 ms at 3000; marginal cost per team 1.00 ms 100→1000, 1.00 ms 1000→3000');
    expect(report).toContain('| `npm run synth` | 1000 | 5000 | 1.40 | 1.26 | 2.10 | 100 | 3571 |');
    expect(report).toContain('validate vs synth: not measured at 1000 teams');
  });

  it(`compares synth at ${LARGE_TEAMS} teams with the I/O floor, and a synth after a change to one team with a full one`, () => {
    const report = renderReport([row('floor', LARGE_TEAMS, 10), row('synth', LARGE_TEAMS, 14, 380), row('resynth-one', LARGE_TEAMS, 4)], 'npm run bench', LOAD);
    expect(report).toContain('synth vs the I/O floor, best runs: 12.60 s vs 9.00 s = 1.40× (goal ≤ 1.5×): met; medians 14.00 s vs 10.00 s; CPU time 1.40×');
    expect(report).toContain(`Goals at ${LARGE_TEAMS} teams:\n- synth vs the I/O floor`);
    expect(report).toContain('synth peak RSS: 380 MiB into an empty folder (goal ≤ 400 MiB): met');
    expect(report).toContain('synth after a change to one team vs a full synth: 4.00 s vs 14.00 s = 28.6% (goal ≤ 25.0%): **not met**; CPU time 28.6%');
    expect(report).toContain('| I/O floor (`node bench/io-floor.js`) | 10000 | 50000 | 10.00 |');
  });

  it('judges the peak RSS of synth by the larger of a synth into an empty folder and one over its output', () => {
    const peak = (full: number) => renderReport([row('synth', LARGE_TEAMS, 7, 360), row('resynth-full', LARGE_TEAMS, 7, full)], 'npm run bench', LOAD);
    expect(peak(420)).toContain('synth peak RSS: 360 MiB into an empty folder, 420 MiB over its output (--full) (goal ≤ 400 MiB): **not met**');
    expect(peak(400)).toContain('synth peak RSS: 360 MiB into an empty folder, 400 MiB over its output (--full) (goal ≤ 400 MiB): met');
    expect(renderReport([row('synth', LARGE_TEAMS, 7, 410), row('resynth-full', LARGE_TEAMS, 7, 390)], 'npm run bench', LOAD)).toContain('410 MiB into an empty folder, 390 MiB over its output (--full) (goal ≤ 400 MiB): **not met**');
    expect(peak(420)).toContain('| `npm run synth -- --full`, over its output | 10000 | 50000 | 7.00 |');
  });

  it('judges synth against the floor by their best runs, which a busy disk does not reach', () => {
    const report = renderReport([row('floor', LARGE_TEAMS, 7, 60, 2.3), row('synth', LARGE_TEAMS, 7.3, 360, 6.9)], 'npm run bench', LOAD);
    expect(report).toContain('synth vs the I/O floor, best runs: 6.90 s vs 2.30 s = 3.00× (goal ≤ 1.5×): **not met**; medians 7.30 s vs 7.00 s; CPU time 1.04×');
  });

  it('shows a skipped command in its row', () => {
    const report = renderReport([{ name: 'preview', teams: 1, inputFiles: 5, outcome: { kind: 'skipped', reason: 'no `preview` command yet' } }], 'npm run bench', LOAD);
    expect(report).toContain('| `npm run preview` (one team) | 1 | 5 | skipped: no `preview` command yet | | | | |');
  });
});

describe('runCase', () => {
  it('runs a case once untimed, then the runs it times, preparing each with its number', () => {
    const log = path.join(tempDir('bench-runs'), 'runs');
    const prepared: number[] = [];
    const outcome = runCase({ name: 'floor', inputFiles: 1, command: { executable: process.execPath, args: ['-e', `require('fs').appendFileSync(${JSON.stringify(log)}, 'x')`], cwd: os.tmpdir() }, prepare: (run) => prepared.push(run) }, 1, 2);
    expect(prepared).toEqual([0, 1, 2]);
    expect(fs.readFileSync(log, 'utf8')).toBe('xxx');
    expect(outcome).toMatchObject({ kind: 'measured', medianSeconds: expect.any(Number) });
  });

  it('takes the median and the best of the timed runs only', () => {
    const started = path.join(tempDir('bench-slow-first'), 'started');
    // The warm-up run sleeps 3 s; the timed ones do not.
    const script = `const fs = require('fs'); if (!fs.existsSync(${JSON.stringify(started)})) { fs.writeFileSync(${JSON.stringify(started)}, ''); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000); }`;
    const outcome = runCase({ name: 'floor', inputFiles: 1, command: { executable: process.execPath, args: ['-e', script], cwd: os.tmpdir() } }, 1, 1);
    expect(outcome.kind === 'measured' && outcome.medianSeconds).toBeLessThan(2);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('measure', () => {
  it('reports the peak RSS and CPU time of the Node process it runs', () => {
    const result = measure({ executable: process.execPath, args: ['-e', 'Buffer.alloc(64 * 1024 * 1024, 1)'], cwd: os.tmpdir() });
    expect(result.peakRssMiB).toBeGreaterThan(64);
    expect(result.cpuSeconds).toBeGreaterThan(0);
    expect(result.wallSeconds).toBeGreaterThan(0);
  });

  it('writes back pending writes (`sync`) before it starts the command, and says so when it cannot', () => {
    const bin = tempDir('fake-sync');
    const marker = path.join(bin, 'synced');
    fs.writeFileSync(path.join(bin, 'sync'), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    const env = { PATH: `${bin}:${process.env.PATH}` };
    expect(() => measure({ executable: process.execPath, args: ['-e', `process.exit(require('fs').existsSync(${JSON.stringify(marker)}) ? 0 : 9)`], cwd: os.tmpdir(), env })).not.toThrow();
    fs.writeFileSync(path.join(bin, 'sync'), '#!/bin/sh\nexit 4\n', { mode: 0o755 });
    expect(() => measure({ executable: process.execPath, args: ['-e', ''], cwd: os.tmpdir(), env })).toThrow('`sync` failed (exit 4): the bench writes back pending writes before each run');
  });

  it("counts a process's CPU time once, whatever threads it ran", () => {
    const burn = "let h = 'x'; for (let i = 0; i < 200000; i++) h = require('crypto').createHash('sha256').update(h).digest('hex');";
    const run = (script: string) => measure({ executable: process.execPath, args: ['-e', script], cwd: os.tmpdir() }).cpuSeconds;
    const alone = run(burn);
    const inWorker = run(`new (require('worker_threads').Worker)(${JSON.stringify(burn)}, { eval: true })`);
    // Counted at the worker's end and again at the process's, it would be about twice as much.
    expect(inWorker).toBeLessThan(alone * 1.5);
  });

  it('throws with the exit status and the error line of stderr when the command fails', () => {
    let thrown: unknown;
    try {
      measure({ executable: process.execPath, args: ['-e', 'console.error("Error: why"); console.error("Node.js v20"); process.exit(3)'], cwd: os.tmpdir() });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CommandFailed);
    expect((thrown as CommandFailed).summary()).toBe('exit 3: Error: why');
  });
});
