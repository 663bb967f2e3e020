import { Instance } from '../../src/user-space';
import { mergeOverride } from '../../src/user-space/merge';
import { removeFixtures, UserSpaceFixture, webApplication, workspace, writeTeams } from './helpers';

afterAll(removeFixtures);

/** team-x: one WebApplication with an env map, overridden for prd by `override` (its spec lines). */
function withPrdOverride(override: string): UserSpaceFixture {
  return writeTeams({
    'team-x/workspace.yaml': workspace('team-x'),
    'team-x/web.yaml': webApplication('team-x', 'web', 'web.dev.example.com', '  cpu: 250m\n  env: {MODE: dev, LOG: info}'),
    'team-x/clusters/prd/web.yaml': `apiVersion: kro.run/v1alpha1\nkind: WebApplication\nmetadata:\n  name: team-x-web\nspec:\n${override}`,
  });
}

function webOf(fixture: UserSpaceFixture, cluster: string): Instance {
  const [team] = fixture.load().teamsFor(cluster);
  return team.instances.find((instance) => instance.kind === 'WebApplication')!;
}

describe('cluster overrides', () => {
  it('change replicas and host for their cluster only', () => {
    const fixture = withPrdOverride('  replicas: 3\n  host: web.example.com\n');
    expect(fixture.problems()).toEqual([]);
    expect(webOf(fixture, 'prd')).toEqual({
      apiVersion: 'kro.run/v1alpha1',
      kind: 'WebApplication',
      metadata: { name: 'team-x-web', namespace: 'team-x' },
      spec: { image: 'ghcr.io/acme/web', tag: '1.2.3', host: 'web.example.com', replicas: 3, cpu: '250m', env: { MODE: 'dev', LOG: 'info' } },
    });
    expect(webOf(fixture, 'dev').spec).toEqual({ image: 'ghcr.io/acme/web', tag: '1.2.3', host: 'web.dev.example.com', cpu: '250m', env: { MODE: 'dev', LOG: 'info' } });
  });

  it('merge maps key by key, keeping the base keys', () => {
    const fixture = withPrdOverride('  env: {MODE: prd, REGION: eu}\n');
    expect(fixture.problems()).toEqual([]);
    expect(webOf(fixture, 'prd').spec.env).toEqual({ MODE: 'prd', LOG: 'info', REGION: 'eu' });
    expect(webOf(fixture, 'dev').spec.env).toEqual({ MODE: 'dev', LOG: 'info' });
  });

  it('replace lists and scalars whole, and change neither input', () => {
    // No abstraction field is a list today, so lists are checked on the merge itself.
    const base = { spec: { hosts: ['a.example.com', 'b.example.com'], env: { A: '1' }, replicas: 1 } };
    const override = { spec: { hosts: ['c.example.com'], env: { B: '2' }, replicas: 3 } };
    expect(mergeOverride(base, override)).toEqual({ spec: { hosts: ['c.example.com'], env: { A: '1', B: '2' }, replicas: 3 } });
    expect(base).toEqual({ spec: { hosts: ['a.example.com', 'b.example.com'], env: { A: '1' }, replicas: 1 } });
    expect(override).toEqual({ spec: { hosts: ['c.example.com'], env: { B: '2' }, replicas: 3 } });
  });

  it('report errors of the merged document in the override when the bad value came from it', () => {
    const fixture = withPrdOverride('  replicas: 50\n  replica: 2\n  env: {LOG: 3}\n');
    expect(fixture.problems()).toEqual([
      { at: 'team-x/clusters/prd/web.yaml:6:13', severity: 'error', message: 'WebApplication team-x-web: spec.replicas is 50 but must be at most 20' },
      { at: 'team-x/clusters/prd/web.yaml:7:3', severity: 'error', message: 'WebApplication team-x-web: unknown field spec.replica: did you mean "replicas"?' },
      { at: 'team-x/clusters/prd/web.yaml:8:14', severity: 'error', message: 'WebApplication team-x-web: spec.env.LOG must be a string, not 3' },
    ]);
  });

  it('leave errors of base values in the base file, reported once for all clusters', () => {
    const fixture = writeTeams({
      'team-x/workspace.yaml': workspace('team-x'),
      'team-x/web.yaml': webApplication('team-x', 'web', 'web.dev.example.com', '  cpu: lots'),
      'team-x/clusters/prd/web.yaml': 'apiVersion: kro.run/v1alpha1\nkind: WebApplication\nmetadata: {name: team-x-web}\nspec: {replicas: 2}\n',
    });
    expect(fixture.problems()).toEqual([
      { at: 'team-x/web.yaml:10:8', severity: 'error', message: 'WebApplication team-x-web: spec.cpu "lots" is not valid: a CPU quantity such as 250m or 1' },
    ]);
  });

  it("cannot move an instance out of the team's namespace", () => {
    const fixture = writeTeams({
      'team-x/workspace.yaml': workspace('team-x'),
      'team-x/web.yaml': webApplication('team-x', 'web', 'web.dev.example.com'),
      'team-x/clusters/prd/web.yaml': 'apiVersion: kro.run/v1alpha1\nkind: WebApplication\nmetadata: {name: team-x-web, namespace: team-y}\nspec: {}\n',
    });
    expect(fixture.problems()).toEqual([
      {
        at: 'team-x/clusters/prd/web.yaml:3:41',
        severity: 'error',
        message: `WebApplication team-x-web: metadata.namespace is "team-y" but the file is in team "team-x"'s folder: a team's objects live in its own namespace, "team-x"`,
      },
    ]);
    expect(webOf(fixture, 'prd').metadata.namespace).toBe('team-x');
  });

  it('are one per document and cluster, the second naming the first', () => {
    const override = 'apiVersion: kro.run/v1alpha1\nkind: WebApplication\nmetadata: {name: team-x-web}\nspec: {replicas: 2}\n';
    const fixture = withPrdOverride('  replicas: 3\n');
    fixture.write({ 'team-x/clusters/prd/web-again.yaml': override });
    expect(fixture.problems()).toEqual([
      {
        at: 'team-x/clusters/prd/web.yaml:1:1',
        severity: 'error',
        message: `a second override of WebApplication "team-x-web" for cluster prd (the first is at ${fixture.rel}/team-x/clusters/prd/web-again.yaml:1:1)`,
      },
    ]);
  });
});
