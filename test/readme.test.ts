import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from '../src/paths';
import { readTree } from './helpers';
import { loadUserSpace } from '../src/user-space';
import { makeTempDir, removeFixtures, runInProcess, workspace, writeTeams } from './user-space/helpers';

const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

afterAll(removeFixtures);

/** The fenced blocks of the README in `language` (none: '' ), as text. */
function blocks(language: string): string[] {
  // Fences are paired from the top, so a closing fence is never taken for an opening one.
  return [...README.matchAll(/^```(\S*)\n([^]*?)^```$/gm)].filter((match) => match[1] === language).map((match) => match[2]);
}

/** Each `$ command` of a console block with the lines shown after it. */
function commandsOf(block: string): { command: string; shown: string }[] {
  return block.split(/^\$ /m).slice(1).map((part) => {
    const [command, ...output] = part.split('\n');
    return { command, shown: output.join('\n') };
  });
}

/** Runs `command` in the repository as a user would, stdout and stderr together; a folder a command might wrongly touch is put back and reported. */
function runGuarded(command: string): string {
  const guarded = ['user-space', 'dist'].map((folder) => ({ folder, before: readTree(path.join(ROOT, folder)) }));
  const result = spawnSync('bash', ['-c', `${command} 2>&1`], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  for (const { folder, before } of guarded) {
    const after = readTree(path.join(ROOT, folder));
    if (after.size !== before.size || [...before].some(([file, content]) => after.get(file) !== content)) {
      for (const [file, content] of before) {
        fs.mkdirSync(path.dirname(path.join(ROOT, folder, file)), { recursive: true });
        fs.writeFileSync(path.join(ROOT, folder, file), content);
      }
      throw new Error(`\`${command}\` changed ${folder}/ (put back as it was)`);
    }
  }
  return result.stdout;
}

describe('README', () => {
  it("links docs/example-preview.md, which shows the example team's preview exactly as `npm run preview` prints it", () => {
    expect(README).toContain('[docs/example-preview.md](docs/example-preview.md)');
    const page = fs.readFileSync(path.join(ROOT, 'docs', 'example-preview.md'), 'utf8');
    const marker = '```yaml\n';
    const start = page.indexOf(marker);
    expect(start).toBeGreaterThan(0);
    const shown = page.slice(start + marker.length, page.indexOf('```\n', start + marker.length));
    const preview = spawnSync(process.execPath, ['bin/mini-atlas.js', 'preview', 'user-space/team-a'], { cwd: ROOT, encoding: 'utf8' });
    expect(preview.status).toBe(0);
    expect(shown).toBe(preview.stdout);
  });

  it('shows .github/CODEOWNERS as synth wrote it', () => {
    const marker = 'For the example teams it is:\n\n```\n';
    const start = README.indexOf(marker);
    expect(start).toBeGreaterThan(0);
    const shown = README.slice(start + marker.length, README.indexOf('```\n', start + marker.length));
    expect(shown).toBe(fs.readFileSync(path.join(ROOT, '.github', 'CODEOWNERS'), 'utf8'));
  });

  it('links the generated abstraction reference', () => {
    expect(README).toContain('[docs/abstractions.md](docs/abstractions.md)');
    expect(fs.readFileSync(path.join(ROOT, 'docs', 'abstractions.md'), 'utf8')).toMatch(/^# Abstraction reference\n/);
  });

  it('starts with the two set-up commands, for Node.js 22 or 24', () => {
    const start = README.indexOf('## Get started');
    expect(start).toBeGreaterThan(0);
    expect(README.slice(start)).toMatch(/^## Get started\n\nOn a clone of the repository, with Node.js 22 or 24[^\n]*\n\n```sh\nnpm ci +#[^\n]*\nnpm test +#[^\n]*\n```/);
    expect(fs.readFileSync(path.join(ROOT, '.nvmrc'), 'utf8')).toBe('24\n');
  });

  it('shows what each `$ npm run` of its console examples really prints', () => {
    const examples = blocks('console').flatMap(commandsOf);
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const { command, shown } of examples) {
      expect(command).toMatch(/^npm run -s /);
      expect({ command, output: runGuarded(command) }).toEqual({ command, output: shown });
    }
  });

  it("shows synth's summary of a retired team as synth prints it", async () => {
    const [shown] = blocks('').filter((block) => block.startsWith('this change removes'));
    expect(shown).toBeDefined();
    const fixture = writeTeams({ 'team-x/workspace.yaml': workspace('team-x'), 'team-y/workspace.yaml': workspace('team-y') });
    const out = makeTempDir();
    expect((await runInProcess('synth', '--user-space', fixture.rel, '--out', out)).status).toBe(0);
    fixture.remove('team-y');
    const { stdout } = await runInProcess('synth', '--user-space', fixture.rel, '--out', out);
    expect(stdout.slice(stdout.indexOf('this change removes'))).toBe(shown);
  });

  it("shows a new team's files that validate", () => {
    const files = Object.fromEntries(
      [...README.matchAll(/^```yaml\n# user-space\/(team-c\/\S+)\n([^]*?)^```$/gm)].map((match) => [match[1], match[2]]),
    );
    expect(Object.keys(files).sort()).toEqual(['team-c/clusters/prd/data.yaml', 'team-c/data.yaml', 'team-c/workspace.yaml']);
    const userSpace = loadUserSpace({ root: ROOT, userSpaceDir: writeTeams(files).dir });
    expect(userSpace.problems).toEqual([]);
    expect(userSpace.teamsFor('prd')[0].instances.map((instance) => instance.kind)).toEqual(['Infrastructure', 'Topic']);
  });

  it('names only npm scripts that exist', () => {
    const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts);
    const used = [...README.matchAll(/npm run (?:-s )?([a-z]+)/g)].map((match) => match[1]);
    expect(used.length).toBeGreaterThan(5);
    for (const script of used) expect(scripts).toContain(script);
  });
});
