import { evaluate, exitCodeOf, notReadyNames, StatusRow } from '../../src/status/evaluate';
import { ClusterSnapshot, Condition, InstanceRecord, RawObjects, buildSnapshot } from '../../src/status/records';
import { PLATFORM } from '../../config/platform';

const READY_TRUE: Condition = { type: 'Ready', status: 'True', reason: 'Ready' };
const READY_FALSE: Condition = { type: 'Ready', status: 'False', reason: 'NotReady', message: 'waiting for resource deployment to become ready' };
const READY_UNKNOWN: Condition = { type: 'Ready', status: 'Unknown' };

/** A snapshot with nothing but one team and `instances`, so the verdict is theirs alone. */
function snapshot(instances: Omit<InstanceRecord, 'team' | 'kind' | 'name' | 'namespace'>[], extra: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return {
    server: 'https://127.0.0.1:6443',
    context: 'kind-dev',
    flux: [],
    graphDefinitions: [],
    unservedKinds: [],
    teams: [{ name: 'team-a', namespaces: ['team-a'], instances: instances.map((instance, index) => ({ kind: 'WebApplication', namespace: 'team-a', name: `team-a-${index}`, team: 'team-a', ...instance })) }],
    ...extra,
  };
}

const rowOf = (instance: Omit<InstanceRecord, 'team' | 'kind' | 'name' | 'namespace'>): StatusRow => evaluate(snapshot([instance])).teams[0].instances[0];

describe('an instance is ready only when kro says ACTIVE', () => {
  it.each([
    ['IN_PROGRESS', [READY_TRUE]],
    ['IN_PROGRESS', []],
    ['FAILED', [READY_TRUE]],
    ['ERROR', []],
    ['DELETING', [READY_TRUE]],
    ['active', [READY_TRUE]],
  ])('not in state %s, whatever its conditions say (%j)', (state, conditions) => {
    const report = evaluate(snapshot([{ state, conditions }]));
    expect(report.teams[0].instances[0]).toMatchObject({ ready: false, state });
    expect(report.teams[0].ready).toBe(false);
    expect(report.ready).toBe(false);
    expect(exitCodeOf(report)).toBe(1);
  });

  it('not before kro has reconciled it at all, and says so', () => {
    expect(rowOf({ conditions: [] })).toEqual({ kind: 'WebApplication', namespace: 'team-a', name: 'team-a-0', ready: false, state: 'PENDING', message: 'kro has not reconciled it yet' });
  });

  it('not when ACTIVE but its Ready condition is False, which explains why', () => {
    expect(rowOf({ state: 'ACTIVE', conditions: [READY_FALSE] })).toMatchObject({ ready: false, state: 'ACTIVE', reason: 'NotReady', message: 'waiting for resource deployment to become ready' });
  });

  it('when ACTIVE with Ready True', () => {
    expect(rowOf({ state: 'ACTIVE', conditions: [READY_TRUE] })).toMatchObject({ ready: true, state: 'ACTIVE', reason: 'Ready' });
    const report = evaluate(snapshot([{ state: 'ACTIVE', conditions: [READY_TRUE] }, { state: 'ACTIVE', conditions: [READY_TRUE] }]));
    expect(report.teams[0].ready).toBe(true);
    expect(exitCodeOf(report)).toBe(0);
  });

  it('explains a not-ready instance with its failing condition, not with a passing one', () => {
    const synced: Condition = { type: 'InstanceSynced', status: 'True', reason: 'Synced' };
    const failing: Condition = { type: 'ResourcesReady', status: 'False', reason: 'Waiting', message: 'deployment has 0 of 2 replicas' };
    expect(rowOf({ state: 'IN_PROGRESS', conditions: [synced, failing, READY_UNKNOWN] })).toMatchObject({ ready: false, reason: 'Waiting', message: 'deployment has 0 of 2 replicas' });
  });

  it('explains a ready instance with its Ready condition, even beside a failing minor one', () => {
    const minor: Condition = { type: 'ResourcesReady', status: 'False', reason: 'Waiting' };
    expect(rowOf({ state: 'ACTIVE', conditions: [minor, READY_TRUE] })).toMatchObject({ ready: true, reason: 'Ready' });
  });

  it('makes the whole team and the report not ready when one instance is not', () => {
    const report = evaluate(snapshot([{ state: 'ACTIVE', conditions: [READY_TRUE] }, { state: 'IN_PROGRESS', conditions: [READY_TRUE] }]));
    expect(report.teams[0].instances.map((row) => row.ready)).toEqual([true, false]);
    expect(report.teams[0].ready).toBe(false);
    expect(exitCodeOf(report)).toBe(1);
  });
});

describe('the report', () => {
  it('is not ready when one team of several is not', () => {
    const ready = { name: 'team-a', namespaces: ['team-a'], instances: [{ kind: 'Topic' as const, namespace: 'team-a', name: 'team-a-t', team: 'team-a', state: 'ACTIVE', conditions: [READY_TRUE] }] };
    const pending = { name: 'team-b', namespaces: ['team-b'], instances: [{ kind: 'Topic' as const, namespace: 'team-b', name: 'team-b-t', team: 'team-b', conditions: [] }] };
    const report = evaluate(snapshot([], { teams: [ready, pending] }));
    expect(report.teams.map((team) => [team.name, team.ready])).toEqual([['team-a', true], ['team-b', false]]);
    expect(report.ready).toBe(false);
    expect(notReadyNames(report)).toEqual(['Topic team-b/team-b-t']);
  });

  it('names what is not ready, with a namespace where it has one', () => {
    const report = evaluate(snapshot([], { unservedKinds: ['VirtualCluster'], teams: [{ name: 'team-z', namespaces: [], instances: [] }] }));
    expect(report.abstractions).toEqual([
      { kind: 'VirtualCluster', name: '-', ready: false, state: 'NOT SERVED', message: 'kro.run/v1alpha1 does not serve VirtualCluster yet: its ResourceGraphDefinition is missing or not ready' },
    ]);
    expect(report.teams[0].instances).toEqual([
      { kind: 'Namespace', name: 'mini-atlas.io/tenant=team-z', ready: false, state: 'MISSING', message: 'no namespace is labelled mini-atlas.io/tenant=team-z' },
    ]);
    expect(notReadyNames(report)).toEqual(['VirtualCluster -', 'Namespace mini-atlas.io/tenant=team-z']);
  });
});

describe('a ResourceGraphDefinition is ready only when kro says Active', () => {
  const rgd = (state: string | undefined, conditions: Condition[]) => evaluate(snapshot([], { graphDefinitions: [{ name: 'webapplication', kind: 'WebApplication', state, conditions }] })).abstractions[0];

  it.each([
    ['Inactive', [READY_TRUE]],
    [undefined, [READY_TRUE]],
    ['Active', [READY_FALSE]],
  ])('not in state %s with %j', (state, conditions) => {
    expect(rgd(state, conditions)).toMatchObject({ kind: 'ResourceGraphDefinition (WebApplication)', ready: false, state: state ?? 'Unknown' });
  });

  it('when Active with Ready True, which then explains it, whatever else its conditions say', () => {
    expect(rgd('Active', [READY_TRUE])).toMatchObject({ ready: true, state: 'Active', reason: 'Ready' });
    expect(rgd('Active', [{ type: 'KindReady', status: 'Unknown', reason: 'Pending' }, READY_TRUE])).toMatchObject({ ready: true, reason: 'Ready' });
  });

  it('explains an inactive one with its first condition that does not hold, not with Ready', () => {
    const graph: Condition = { type: 'GraphVerified', status: 'True', reason: 'Verified' };
    const crd: Condition = { type: 'CustomResourceDefinitionSynced', status: 'False', reason: 'InvalidSchema', message: 'spec.replicas: unknown type' };
    expect(rgd('Inactive', [graph, crd, READY_FALSE])).toMatchObject({ ready: false, reason: 'InvalidSchema', message: 'spec.replicas: unknown type' });
    expect(rgd('Inactive', [graph, { ...READY_FALSE, message: 'not ready' }])).toMatchObject({ ready: false, reason: 'NotReady', message: 'not ready' });
  });

  it('is named without a kind when it declares none', () => {
    expect(evaluate(snapshot([], { graphDefinitions: [{ name: 'broken', kind: '', state: 'Inactive', conditions: [] }] })).abstractions[0].kind).toBe('ResourceGraphDefinition');
  });
});

describe('a Flux object is ready only when its Ready condition is True', () => {
  const flux = (conditions: Condition[], suspended = false) =>
    evaluate(snapshot([], { flux: [{ kind: 'HelmRelease', namespace: 'flux-system', name: 'cilium', suspended, conditions }] })).flux[0];

  it('and it is not suspended', () => {
    expect(flux([READY_TRUE])).toMatchObject({ ready: true, state: 'True' });
    expect(flux([READY_TRUE], true)).toMatchObject({ ready: false, state: 'Suspended', message: 'reconciliation is suspended (flux resume to continue)' });
    expect(flux([READY_UNKNOWN])).toMatchObject({ ready: false, state: 'Unknown' });
    expect(flux([READY_FALSE])).toMatchObject({ ready: false, state: 'False', reason: 'NotReady' });
    expect(flux([])).toMatchObject({ ready: false, state: 'Unknown', message: 'not reconciled yet' });
  });
});

describe('the snapshot', () => {
  const namespace = (name: string, team: string) => ({ metadata: { name, labels: { [PLATFORM.tenantLabel]: team } } });
  const raw: RawObjects = {
    kustomizations: [],
    helmReleases: [],
    graphDefinitions: [],
    servedResources: [],
    namespaces: [namespace('team-b', 'team-b'), namespace('team-a-db', 'team-a'), namespace('team-a', 'team-a')],
    instances: {},
  };

  it('lists teams and their namespaces by name, whatever order the API server lists them in', () => {
    expect(buildSnapshot('https://127.0.0.1:6443', 'kind-dev', raw).teams).toEqual([
      { name: 'team-a', namespaces: ['team-a', 'team-a-db'], instances: [] },
      { name: 'team-b', namespaces: ['team-b'], instances: [] },
    ]);
  });

  it('gives a ResourceGraphDefinition that declares no kind an empty one', () => {
    const graphDefinitions = [{ metadata: { name: 'broken' }, spec: { schema: {} } }];
    expect(buildSnapshot('https://127.0.0.1:6443', 'kind-dev', { ...raw, graphDefinitions }).graphDefinitions).toEqual([{ name: 'broken', kind: '', state: undefined, conditions: [] }]);
  });

  it('keeps only the team asked for', () => {
    expect(buildSnapshot('https://127.0.0.1:6443', 'kind-dev', raw, 'team-b').teams).toEqual([{ name: 'team-b', namespaces: ['team-b'], instances: [] }]);
  });
});
