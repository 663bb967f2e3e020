import * as fs from 'fs';
import * as path from 'path';
import { ABSTRACTION_APIS } from '../../abstractions/apis';
import { PATTERNS } from '../../abstractions/fields';
import { PLATFORM } from '../../config/platform';
import { codeOwners, teamPaths } from '../../src/synth/codeowners';
import { parse } from 'yaml';
import { synthesize } from '../../src/synth/command';
import { readTree, tempDir } from '../helpers';
import { makeTempDir, removeFixtures, ROOT, runInProcess, webApplication, workspace, writeTeams } from './helpers';

afterAll(removeFixtures);

describe('Workspace owners', () => {
  it('accepts @user and @org/team handles and hands them to synth', () => {
    const userSpace = writeTeams({ 'team-x/workspace.yaml': workspace('team-x', ['@alice', '@acme/team-x', '@bob-smith', '@Acme-Corp/Team_X']) }).load();
    expect(userSpace.problems).toEqual([]);
    expect([...userSpace.owners]).toEqual([['team-x', ['@alice', '@acme/team-x', '@bob-smith', '@Acme-Corp/Team_X']]]);
  });

  it('refuses anything else at the item, naming the field and what a handle looks like', () => {
    const fixture = writeTeams({ 'team-x/workspace.yaml': workspace('team-x', ['alice', '@acme/team-x', '@-bad', 'a@b.com', '@acme/team-x']) });
    const hint = '(a Git host handle: "@user" or "@org/team", with the "@")';
    expect(fixture.problems()).toEqual([
      { at: 'team-x/workspace.yaml:4:31', severity: 'error', message: `Workspace team-x: spec.owners[0] "alice" is not valid: ${hint.slice(1, -1)}` },
      { at: 'team-x/workspace.yaml:4:56', severity: 'error', message: `Workspace team-x: spec.owners[2] "@-bad" is not valid: ${hint.slice(1, -1)}` },
      { at: 'team-x/workspace.yaml:4:65', severity: 'error', message: `Workspace team-x: spec.owners[3] "a@b.com" is not valid: ${hint.slice(1, -1)}` },
      { at: 'team-x/workspace.yaml:4:30', severity: 'error', message: 'Workspace team-x: spec.owners must NOT have duplicate items (items ## 4 and 1 are identical)' },
    ].sort((a, b) => a.at.localeCompare(b.at, 'en', { numeric: true })));
  });

  it('refuses a value that is no list', () => {
    const fixture = writeTeams({ 'team-x/workspace.yaml': 'apiVersion: kro.run/v1alpha1\nkind: Workspace\nmetadata: {name: team-x}\nspec:\n  owners: "@acme/team-x"\n' });
    expect(fixture.problems()).toEqual([{ at: 'team-x/workspace.yaml:5:11', severity: 'error', message: 'Workspace team-x: spec.owners must be an array, not "@acme/team-x"' }]);
  });

  it('warns, without failing, when a Workspace names none', () => {
    const fixture = writeTeams({ 'team-x/workspace.yaml': workspace('team-x', []) });
    expect(fixture.problems()).toEqual([
      { at: 'team-x/workspace.yaml:4:7', severity: 'warning', message: `Workspace team-x: no spec.owners, so only the platform's code owners can approve changes to the team's files; name the team's reviewers, e.g. owners: ["@your-org/team-x"]` },
    ]);
    expect(fixture.load().teamsFor('dev')).toHaveLength(1);
  });

  it('warns the same for an empty list, and hands synth no owners', () => {
    const fixture = writeTeams({ 'team-x/workspace.yaml': 'apiVersion: kro.run/v1alpha1\nkind: Workspace\nmetadata: {name: team-x}\nspec:\n  owners: []\n' });
    expect(fixture.problems()).toEqual([
      { at: 'team-x/workspace.yaml:5:3', severity: 'warning', message: `Workspace team-x: no spec.owners, so only the platform's code owners can approve changes to the team's files; name the team's reviewers, e.g. owners: ["@your-org/team-x"]` },
    ]);
    expect([...fixture.load().owners]).toEqual([]);
  });

  it("are read only from the team's own Workspace: one named for another team gets only that error", () => {
    const fixture = writeTeams({ 'team-x/workspace.yaml': workspace('team-y', []) });
    expect(fixture.problems()).toEqual([
      { at: 'team-x/workspace.yaml:3:18', severity: 'error', message: 'the Workspace is named "team-y" but its folder is "team-x": a Workspace is named like its team folder' },
    ]);
  });

  it('cannot differ per cluster: a cluster override may not set them', () => {
    const fixture = writeTeams({
      'team-x/workspace.yaml': workspace('team-x'),
      'team-x/clusters/prd/workspace.yaml': 'apiVersion: kro.run/v1alpha1\nkind: Workspace\nmetadata: {name: team-x}\nspec:\n  owners: ["@mallory"]\n',
    });
    expect(fixture.problems()).toEqual([
      { at: 'team-x/clusters/prd/workspace.yaml:5:3', severity: 'error', message: "Workspace team-x: spec.owners is the same on every cluster; set it in the team's base file, not in a cluster override" },
    ]);
    // An override that leaves them alone is no such change.
    fixture.write({ 'team-x/clusters/prd/workspace.yaml': 'apiVersion: kro.run/v1alpha1\nkind: Workspace\nmetadata: {name: team-x}\nspec: {}\n' });
    expect(fixture.problems()).toEqual([]);
  });

  it('has platform owners that are valid handles themselves', () => {
    expect(PLATFORM.owners.length).toBeGreaterThan(0);
    for (const owner of PLATFORM.owners) expect(owner).toMatch(new RegExp(PATTERNS.codeOwner));
  });
});

describe('what a team owns in dist/', () => {
  const teamFiles = new Map([
    ['dev/tenants/team-x/instances.yaml', 'team-x'],
    ['dev/tenants/team-x/more/extra.yaml', 'team-x'],
    ['dev/shared/team-y.yaml', 'team-y'],
    ['dev/only-x/a.yaml', 'team-x'],
  ]);
  const files = [...teamFiles.keys(), 'dev/tenants/tenants.yaml', 'dev/shared/platform.yaml', 'dev/mixed/x.yaml', 'dev/mixed/y.yaml'];

  it("is the highest folder holding only its files, or the file itself in a folder it shares, never a cluster's folder", () => {
    expect(teamPaths(files, teamFiles)).toEqual(
      new Map([
        ['team-x', ['dev/only-x/', 'dev/tenants/team-x/']],
        ['team-y', ['dev/shared/team-y.yaml']],
      ]),
    );
  });

  it("stops below the cluster's folder even when every file in it is the team's", () => {
    expect(teamPaths(['dev/tenants/team-x/instances.yaml'], new Map([['dev/tenants/team-x/instances.yaml', 'team-x']]))).toEqual(new Map([['team-x', ['dev/tenants/']]]));
  });

  it('is written after the platform owners, every one of them, team by team in order of name', () => {
    const text = codeOwners({
      platformOwners: ['@acme/platform', '@acme/sre'],
      teamOwners: new Map([['team-y', ['@acme/y']], ['team-x', ['@acme/x', '@acme/x-leads']]]),
      distFiles: files,
      teamFiles,
      userSpace: 'user-space',
      dist: 'dist',
    });
    expect(text.split('\n').slice(2)).toEqual([
      '* @acme/platform @acme/sre',
      '',
      '# team-x',
      '/user-space/team-x/ @acme/x @acme/x-leads',
      '/dist/dev/only-x/ @acme/x @acme/x-leads',
      '/dist/dev/tenants/team-x/ @acme/x @acme/x-leads',
      '',
      '# team-y',
      '/user-space/team-y/ @acme/y',
      '/dist/dev/shared/team-y.yaml @acme/y',
      '',
    ]);
  });

  it('goes no higher than a folder where another team has a file', () => {
    const mixed = new Map([...teamFiles, ['dev/mixed/x.yaml', 'team-x'], ['dev/mixed/y.yaml', 'team-y']]);
    expect(teamPaths(files, mixed).get('team-x')).toEqual(['dev/mixed/x.yaml', 'dev/only-x/', 'dev/tenants/team-x/']);
    expect(teamPaths(files, mixed).get('team-y')).toEqual(['dev/mixed/y.yaml', 'dev/shared/team-y.yaml']);
  });
});

describe('.github/CODEOWNERS', () => {
  const teams = {
    'team-x/workspace.yaml': workspace('team-x', ['@acme/team-x', '@alice']),
    'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com'),
    'team-y/workspace.yaml': workspace('team-y', []),
    'team-y/web.yaml': webApplication('team-y', 'web', 'y.example.com'),
    'team-z/workspace.yaml': workspace('team-z', ['@acme/team-z']),
  };

  it('has the platform catch-all first, then per team with owners its user-space folder and its own dist/ folders', () => {
    const fixture = writeTeams(teams);
    const out = tempDir('codeowners-dist');
    const result = synthesize({ userSpaceDir: fixture.dir, out });
    expect(result.codeOwners).toBe(
      [
        "# Generated by `npm run synth` from config/platform.ts (PLATFORM.owners) and each Workspace's",
        '# spec.owners; edit those, not this file. The last matching line wins.',
        `* ${PLATFORM.owners.join(' ')}`,
        '',
        '# team-x',
        `/${fixture.rel}/team-x/ @acme/team-x @alice`,
        '/dist/dev/tenants/team-x/ @acme/team-x @alice',
        '/dist/prd/tenants/team-x/ @acme/team-x @alice',
        '',
        '# team-z',
        `/${fixture.rel}/team-z/ @acme/team-z`,
        '',
      ].join('\n'),
    );
    // Same input, same bytes.
    expect(synthesize({ userSpaceDir: fixture.dir, out }).codeOwners).toBe(result.codeOwners);
  });

  it('is written with dist/, and left untouched when synth refuses', () => {
    const fixture = writeTeams(teams);
    const out = tempDir('codeowners-out');
    const codeOwnersFile = path.join(tempDir('codeowners'), 'CODEOWNERS');
    synthesize({ userSpaceDir: fixture.dir, out, codeOwnersFile });
    const written = fs.readFileSync(codeOwnersFile, 'utf8');
    expect(written).toContain('@acme/team-x @alice');
    fixture.write({ 'team-x/workspace.yaml': workspace('team-x', ['@acme/team-x', 'bob']) });
    const dist = readTree(out);
    const refused = synthesize({ userSpaceDir: fixture.dir, out, codeOwnersFile });
    expect(refused.codeOwners).toBeUndefined();
    expect(fs.readFileSync(codeOwnersFile, 'utf8')).toBe(written);
    expect(readTree(out)).toEqual(dist);
  });

  it('is not written by a synth into another folder (--out), whose dist/ it would not describe', async () => {
    const fixture = writeTeams(teams);
    const before = fs.readFileSync(path.join(ROOT, '.github', 'CODEOWNERS'), 'utf8');
    const result = await runInProcess('synth', '--user-space', fixture.rel, '--out', makeTempDir());
    expect(result.status).toBe(0);
    expect(fs.readFileSync(path.join(ROOT, '.github', 'CODEOWNERS'), 'utf8')).toBe(before);
  });
});

describe("a team's files", () => {
  const { workspacesFile, tenantAccessFile, teamOrganizationsFile } = PLATFORM.dist;
  /** The layer files every team has entries in; everything else a team makes is in its own paths. */
  const SHARED = new Set<string>([workspacesFile, tenantAccessFile, teamOrganizationsFile]);
  const INSTANCE_KINDS = ABSTRACTION_APIS.filter((abstraction) => abstraction.scope === 'Namespaced').map((abstraction) => abstraction.kind);
  const EXAMPLES = path.join(ROOT, 'user-space');
  const exampleFiles = fs.readdirSync(EXAMPLES, { recursive: true, encoding: 'utf8' }).filter((file) => fs.statSync(path.join(EXAMPLES, file)).isFile());
  const documents = (content: string | undefined) => (content ?? '').split(/^---\n/m).filter((document) => document.trim());
  let all: ReturnType<typeof synthesize>;
  let allFiles: Map<string, string>;
  beforeAll(() => {
    const out = tempDir('all-teams');
    all = synthesize({ userSpaceDir: EXAMPLES, out });
    allFiles = readTree(out);
  });

  // Each example team (every kind is among them) is left out in turn: whatever that changes in
  // dist/ is what the team's files produce.
  it.each(['team-a', 'team-b'])("can only produce objects in %s's own folders of dist/ or its entries in the shared layer files", (team) => {
    const others = writeTeams(Object.fromEntries(exampleFiles.filter((file) => file.split(path.sep)[0] !== team).map((file) => [file, fs.readFileSync(path.join(EXAMPLES, file))])));
    const out = tempDir('without-team');
    expect(synthesize({ userSpaceDir: others.dir, out }).changes).toBeDefined();
    const without = readTree(out);
    const owned = teamPaths(allFiles.keys(), all.teamFiles).get(team) ?? [];
    expect(owned.length).toBeGreaterThan(0);
    const changed = [...new Set([...allFiles.keys(), ...without.keys()])].filter((file) => allFiles.get(file) !== without.get(file));
    expect(changed.length).toBeGreaterThan(0);
    for (const file of changed) {
      if (owned.some((claim) => file === claim || (claim.endsWith('/') && file.startsWith(claim)))) {
        expect(without.has(file)).toBe(false);
        for (const document of documents(allFiles.get(file))) expect({ file, namespace: (parse(document) as { metadata: { namespace?: string } }).metadata.namespace }).toEqual({ file, namespace: team });
        continue;
      }
      expect({ file, shared: SHARED.has(path.posix.basename(file)) }).toEqual({ file, shared: true });
      // The shared file lost exactly the team's entries and nothing else changed in it.
      const before = documents(allFiles.get(file));
      const after = documents(without.get(file));
      const teams = before.filter((document) => !after.includes(document));
      expect(before.filter((document) => after.includes(document))).toEqual(after);
      for (const document of teams) {
        const { kind, metadata } = parse(document) as { kind: string; metadata: { name: string; namespace?: string } };
        expect([metadata.name, metadata.namespace].some((name) => name === team || name === `tenant-${team}` || name === `grafana-organization-${team}`)).toBe(true);
        // The team's instances never land in a shared file, where the platform's owners would own them.
        expect(INSTANCE_KINDS).not.toContain(kind);
      }
    }
  });
});
