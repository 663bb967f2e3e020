import * as fs from 'fs';
import * as path from 'path';
import { makeTempDir, parseProblem, removeFixtures, ROOT, runInProcess, webApplication, workspace, writeTeams } from './helpers';

afterAll(removeFixtures);

/** Every file below `dir` with its content, by relative path. */
function listTree(dir: string): Record<string, string> {
  const tree: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) tree[path.relative(dir, path.join(entry.parentPath, entry.name))] = fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
  }
  return tree;
}

/** What the API server would refuse of what kro makes, reported on the team's own field. */
describe('validate and synth check what kro will create the way the API server does', () => {
  const CONFIG_KEY = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name' or 'KEY_NAME' or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

  it('reports an environment variable that cannot be a ConfigMap key on its key in the team file', async () => {
    const fixture = writeTeams({
      'team-x/workspace.yaml': workspace('team-x'),
      'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com', '  env:\n    GOOD: "1"\n    A=B: "2"\n    ..hidden: "3"'),
    });
    const result = await runInProcess('validate', '--user-space', fixture.rel);
    expect(result.status).toBe(1);
    const problems = result.stderr.trim().split('\n').slice(0, -1).map((line) => parseProblem(line, fixture.rel));
    expect(problems).toEqual([
      { at: 'team-x/web.yaml:12:5', severity: 'error', message: `WebApplication team-x-web: spec.env key "A=B" becomes data key "A=B" of ConfigMap team-x/team-x-web-env, which the API server refuses: ${CONFIG_KEY}` },
      { at: 'team-x/web.yaml:13:5', severity: 'error', message: `WebApplication team-x-web: spec.env key "..hidden" becomes data key "..hidden" of ConfigMap team-x/team-x-web-env, which the API server refuses: must not start with '..'` },
    ]);
    expect(result.stderr).toMatch(/validate: 1 team, 2 errors, 0 warnings\n$/);
  });

  it("reports a team whose name makes Service names the API server refuses, on the instance's name", async () => {
    const fixture = writeTeams({ '9lives/workspace.yaml': workspace('9lives'), '9lives/web.yaml': webApplication('9lives', 'web', 'nine.example.com') });
    const problems = (await runInProcess('validate', '--user-space', fixture.rel)).stderr.trim().split('\n').slice(0, -1).map((line) => parseProblem(line, fixture.rel));
    expect(problems).toEqual([
      {
        at: '9lives/web.yaml:4:9',
        severity: 'error',
        message: expect.stringMatching(/^WebApplication 9lives-web: metadata\.name becomes metadata\.name "9lives-web" of Service 9lives\/9lives-web, which the API server refuses: a DNS-1035 label must .* start with an alphabetic character/),
      },
    ]);
  });

  it('points at the cluster override that sets the refused value', async () => {
    const fixture = writeTeams({
      'team-x/workspace.yaml': workspace('team-x'),
      'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com'),
      'team-x/clusters/prd/web.yaml': 'apiVersion: kro.run/v1alpha1\nkind: WebApplication\nmetadata: {name: team-x-web}\nspec:\n  env:\n    "MODE=prd": "1"\n',
    });
    const problems = (await runInProcess('validate', '--user-space', fixture.rel)).stderr.trim().split('\n').slice(0, -1).map((line) => parseProblem(line, fixture.rel));
    expect(problems).toEqual([{ at: 'team-x/clusters/prd/web.yaml:6:5', severity: 'error', message: expect.stringContaining('spec.env key "MODE=prd" becomes data key "MODE=prd"') }]);
  });

  it('is what the preview reports too, on the same field', async () => {
    const fixture = writeTeams({
      'team-x/workspace.yaml': workspace('team-x'),
      'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com', '  env:\n    A=B: "2"'),
    });
    const result = await runInProcess('preview', '--user-space', fixture.rel, `${fixture.rel}/team-x`);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${fixture.rel}/team-x/web.yaml:11:5: error: WebApplication team-x-web: spec.env key "A=B" becomes data key "A=B" of ConfigMap team-x/team-x-web-env, which the API server refuses: ${CONFIG_KEY}`);
  });

  it('makes synth refuse, leaving the out folder as it was', async () => {
    const fixture = writeTeams({
      'team-x/workspace.yaml': workspace('team-x'),
      'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com', '  env:\n    A=B: "2"'),
    });
    const out = makeTempDir();
    const valid = writeTeams({ 'team-x/workspace.yaml': workspace('team-x'), 'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com') });
    expect((await runInProcess('synth', '--user-space', valid.rel, '--out', out)).status).toBe(0);
    const before = listTree(path.join(ROOT, out));
    const result = await runInProcess('synth', '--user-space', fixture.rel, '--out', out);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${fixture.rel}/team-x/web.yaml:11:5: error: WebApplication team-x-web: spec.env key "A=B"`);
    expect(result.stderr).toMatch(/synth: refused \(1 error, 0 warnings\)/);
    expect(listTree(path.join(ROOT, out))).toEqual(before);
  });

  it("is left to validate once a team file has an error: synth, which stops checking at the first loading error, reports the team files' errors only", async () => {
    const fixture = writeTeams({
      'team-a/workspace.yaml': workspace('team-a'),
      'team-a/web.yaml': webApplication('team-a', 'web', 'web.example.com', '  env:\n    A=B: "2"'),
      'team-b/workspace.yaml': workspace('team-b'),
      'team-b/web.yaml': webApplication('team-b', 'web', 'shop.example.com', '  colour: blue'),
    });
    const errors = (stderr: string) => stderr.split('\n').filter((line) => line.includes(': error: ')).map((line) => line.slice(0, line.indexOf(': error: ')));
    const synth = await runInProcess('synth', '--user-space', fixture.rel, '--out', makeTempDir());
    expect(synth.status).toBe(1);
    expect(errors(synth.stderr)).toEqual([`${fixture.rel}/team-b/web.yaml:10:3`]);
    expect(errors((await runInProcess('validate', '--user-space', fixture.rel)).stderr)).toEqual([`${fixture.rel}/team-a/web.yaml:11:5`, `${fixture.rel}/team-b/web.yaml:10:3`]);
  });

  it('accepts the example teams', async () => {
    const result = await runInProcess('validate');
    expect(result.stderr).not.toMatch(/API server/);
    expect(result.status).toBe(0);
  });
});
