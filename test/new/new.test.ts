import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { NEW_COMMAND } from '../../src/new/command';
import { NEW_KINDS } from '../../src/new/documents';
import { ROOT } from '../../src/paths';
import { loadUserSpace } from '../../src/user-space';
import { tempDir } from '../helpers';
import { runInProcess } from '../user-space/helpers';

/** A copy of the example user space to write into. */
function userSpaceCopy(): string {
  const dir = path.join(tempDir('new'), 'user-space');
  fs.cpSync(path.join(ROOT, 'user-space'), dir, { recursive: true });
  return dir;
}

/** Every file under `dir` with its content. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files[path.relative(dir, path.join(entry.parentPath, entry.name))] = fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
  }
  return files;
}

/** The errors of the user space (the seed's `latest` tag is a warning). */
function errorsIn(userSpace: string): string[] {
  return loadUserSpace({ root: ROOT, userSpaceDir: userSpace }).problems.filter((problem) => problem.severity === 'error').map((problem) => problem.message);
}

async function runNew(userSpace: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { status, stdout, stderr } = await runInProcess('new', ...args, '--user-space', userSpace);
  return { code: status, stdout, stderr };
}

describe('npm run new', () => {
  it('documents a flag for every field it writes, and takes no other', () => {
    const fieldFlags = NEW_COMMAND.options.map((option) => option.flag).filter((flag) => flag !== '--user-space');
    expect(fieldFlags.sort()).toEqual([...new Set(Object.values(NEW_KINDS).flatMap((kind) => kind.fields))].map((field) => `--${field}`).sort());
  });

  it('writes a WebApplication with the editor-schema line and only the given fields, named by the convention, which then validates', async () => {
    const userSpace = userSpaceCopy();
    const result = await runNew(userSpace, 'webapp', 'team-b', 'cart', '--image', 'ghcr.io/acme/cart', '--tag', '1.0', '--host', 'cart.dev.mini-atlas.local', '--port', '9090', '--replicas', '2');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const file = path.join(userSpace, 'team-b', 'cart.yaml');
    expect(result.stdout).toBe(`wrote ${path.relative(ROOT, file)}; commit it, and npm run synth renders it into dist/\n`);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schemas/team-file.json');
    expect(parse(text)).toEqual({
      apiVersion: 'kro.run/v1alpha1',
      kind: 'WebApplication',
      metadata: { name: 'team-b-cart', namespace: 'team-b' },
      spec: { image: 'ghcr.io/acme/cart', tag: '1.0', host: 'cart.dev.mini-atlas.local', port: 9090, replicas: 2 },
    });
    expect(errorsIn(userSpace)).toEqual([]);
  });

  it('creates a team: its Workspace first, then each kind, all valid together', async () => {
    const userSpace = userSpaceCopy();
    expect((await runNew(userSpace, 'workspace', 'team-n')).code).toBe(0);
    expect((await runNew(userSpace, 'infrastructure', 'team-n', 'db', '--database', 'orders')).code).toBe(0);
    expect((await runNew(userSpace, 'topic', 'team-n', 'events', '--partitions', '6')).code).toBe(0);
    expect((await runNew(userSpace, 'vcluster', 'team-n', 'team-n-lab')).code).toBe(0);
    const files = tree(path.join(userSpace, 'team-n'));
    expect(Object.keys(files).sort()).toEqual(['db.yaml', 'events.yaml', 'team-n-lab.yaml', 'workspace.yaml']);
    expect(parse(files['workspace.yaml'])).toEqual({ apiVersion: 'kro.run/v1alpha1', kind: 'Workspace', metadata: { name: 'team-n' }, spec: {} });
    expect(parse(files['db.yaml']).spec).toEqual({ database: 'orders' });
    expect(parse(files['events.yaml']).spec).toEqual({ partitions: 6 });
    expect(parse(files['team-n-lab.yaml'])).toMatchObject({ kind: 'VirtualCluster', metadata: { name: 'team-n-lab', namespace: 'team-n' }, spec: {} });
    const loaded = loadUserSpace({ root: ROOT, userSpaceDir: userSpace });
    expect(errorsIn(userSpace)).toEqual([]);
    expect(loaded.teamsFor('dev').find((team) => team.team === 'team-n')?.instances.map((instance) => `${instance.kind}/${instance.metadata.name}`)).toEqual([
      'Infrastructure/team-n-db',
      'Topic/team-n-events',
      'VirtualCluster/team-n-lab',
    ]);
  });

  it("refuses what the validator refuses, with the validator's errors, and writes nothing: a bad field, a taken host, a missing Workspace", async () => {
    const userSpace = userSpaceCopy();
    const before = tree(userSpace);
    const badPort = await runNew(userSpace, 'webapp', 'team-b', 'cart', '--image', 'ghcr.io/acme/cart', '--tag', '1', '--host', 'cart.example.com', '--port', '80');
    expect(badPort.code).toBe(1);
    const cart = path.relative(ROOT, path.join(userSpace, 'team-b', 'cart.yaml'));
    expect(badPort.stderr).toBe(`${cart}:11:9: error: WebApplication team-b-cart: spec.port is 80 but must be at least 1024\nmini-atlas new: ${cart} would not be valid, so it was not written\n`);
    const takenHost = await runNew(userSpace, 'webapp', 'team-a', 'copy', '--image', 'nginx', '--tag', '1', '--host', 'shop.dev.mini-atlas.local');
    expect(takenHost.code).toBe(1);
    expect(takenHost.stderr).toMatch(/error: host "shop\.dev\.mini-atlas\.local" is already used by/);
    const noWorkspace = await runNew(userSpace, 'topic', 'team-q', 'events');
    expect(noWorkspace.code).toBe(1);
    expect(noWorkspace.stderr).toContain('error: team "team-q" has no Workspace');
    const badName = await runNew(userSpace, 'vcluster', 'team-b', '../../etc');
    expect(badName).toMatchObject({ code: 1, stderr: 'mini-atlas new: the name "../../etc" is not a valid name: lower-case letters, digits and "-", starting and ending with a letter or digit\n' });
    for (const args of [['workspace', '../team-z'], ['vcluster', 'Team-B', 'lab']]) {
      expect(await runNew(userSpace, ...args)).toMatchObject({ code: 1, stderr: `mini-atlas new: the team "${args[1]}" is not a valid name: lower-case letters, digits and "-", starting and ending with a letter or digit\n` });
    }
    expect(tree(userSpace)).toEqual(before);
  });

  it('never overwrites: an existing file or a second instance of the same name is refused', async () => {
    const userSpace = userSpaceCopy();
    const before = tree(userSpace);
    const existing = await runNew(userSpace, 'vcluster', 'team-b', 'shop');
    expect(existing.code).toBe(1);
    expect(existing.stderr).toBe(`mini-atlas new: ${path.relative(ROOT, path.join(userSpace, 'team-b', 'shop.yaml'))} already exists; new never overwrites a file: edit it, or choose another name\n`);
    const sameName = await runNew(userSpace, 'vcluster', 'team-b', 'team-b-sandbox');
    expect(sameName).toMatchObject({ code: 1 });
    expect(sameName.stderr).toContain('VirtualCluster "team-b-sandbox" is declared twice in this team');
    expect((await runNew(userSpace, 'workspace', 'team-b')).code).toBe(1);
    expect(tree(userSpace)).toEqual(before);
  });

  it('refuses a wrong command line with exit 2: unknown kind, missing or foreign flags, non-numbers', async () => {
    const userSpace = userSpaceCopy();
    const cases: [string[], RegExp][] = [
      [['service', 'team-b', 'x'], /^mini-atlas: new cannot create "service"; one of: workspace, webapp, infrastructure, topic, vcluster\n$/],
      [['webapp', 'team-b', 'x', '--image', 'nginx'], /^mini-atlas: webapp needs --tag, --host; usage: /],
      [['topic', 'team-b', 'x', '--database', 'db'], /^mini-atlas: --database does not apply to topic; usage: /],
      [['topic', 'team-b', 'x', '--partitions', 'many'], /^mini-atlas: --partitions must be a whole number, not "many"\n$/],
      [['topic', 'team-b', 'x', '--partitions', '6x'], /^mini-atlas: --partitions must be a whole number, not "6x"\n$/],
      [['topic', 'team-b', 'x', '--partitions', 'x6'], /^mini-atlas: --partitions must be a whole number, not "x6"\n$/],
      [['topic', 'team-b'], /^mini-atlas: topic needs a team and a name; usage: /],
      [['workspace'], /^mini-atlas: workspace needs a team; usage: /],
      [[], /^mini-atlas: what should new create\? usage: mini-atlas new <kind> <team> \[<name>\]/],
      [['workspace', 'team-b', 'extra'], /^mini-atlas: unexpected argument "extra": a Workspace is named like its team; usage: /],
    ];
    for (const [args, message] of cases) {
      const result = await runNew(userSpace, ...args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  });
});
