import { validateWorkflow } from '@action-validator/core';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ROOT } from '../src/paths';

const WORKFLOWS = path.join(ROOT, '.github', 'workflows');
const workflows = fs.readdirSync(WORKFLOWS).filter((file) => /\.ya?ml$/.test(file)).sort();
const read = (file: string) => fs.readFileSync(path.join(WORKFLOWS, file), 'utf8');

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, unknown>;
}

interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions: unknown;
  readonly jobs: Record<string, { readonly permissions?: unknown; readonly strategy?: { readonly matrix?: { readonly node?: string[] } }; readonly steps: Step[] }>;
}

describe('GitHub workflows', () => {
  it('are there: the pull-request check and the e2e', () => {
    expect(workflows).toEqual(['ci.yml', 'e2e.yml']);
  });

  it.each(workflows)("%s is valid against GitHub's workflow schema", (file) => {
    expect(validateWorkflow(read(file)).errors).toEqual([]);
  });

  it('the validator refuses a broken workflow (so a valid verdict means something)', () => {
    const broken = read('ci.yml').replace('runs-on:', 'runs_on:');
    expect(validateWorkflow(broken).errors).not.toEqual([]);
  });

  it('ci.yml pins every action to a full commit SHA, the release in a comment, and its token may only read', () => {
    const uses = [...read('ci.yml').matchAll(/^\s*(?:-\s+)?uses:\s*(.*)$/gm)].map((match) => match[1].trim());
    expect(uses.length).toBeGreaterThan(0);
    for (const use of uses) expect(use).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    const ci = parse(read('ci.yml')) as Workflow;
    expect(ci.permissions).toEqual({});
    expect(ci.jobs.test.permissions).toEqual({ contents: 'read' });
  });

  describe('ci.yml', () => {
    const ci = parse(read('ci.yml')) as Workflow;
    const steps = ci.jobs.test.steps;
    const run = (command: string) => steps.find((step) => step.run?.includes(command));

    it('runs on pull requests and pushes to main, on Node 22 and 24', () => {
      expect(ci.on).toEqual({ pull_request: null, push: { branches: ['main'] } });
      expect(ci.jobs.test.strategy?.matrix?.node?.map((version) => version.split('.')[0])).toEqual(['22', '24']);
    });

    it('installs from the lock file, tests, validates as annotations and previews the changed teams into the job summary', () => {
      const commands = steps.filter((step) => step.run).map((step) => step.run!.trim());
      expect(commands).toEqual([
        'npm ci',
        'npm test',
        'npm run -s validate -- --format github',
        '.github/scripts/preview-changed-teams.sh "$BASE_SHA" >> "$GITHUB_STEP_SUMMARY"',
      ]);
      // The base commit reaches the script as data, never spliced into the shell command.
      expect(run('preview-changed-teams')?.env).toEqual({ BASE_SHA: '${{ github.event.pull_request.base.sha }}' });
      expect(fs.statSync(path.join(ROOT, '.github', 'scripts', 'preview-changed-teams.sh')).mode & 0o111).not.toBe(0);
      // The diff needs the base commit's dist/, so the checkout has the history.
      expect(steps[0].with).toMatchObject({ 'fetch-depth': 0, 'persist-credentials': false });
    });
  });
});
