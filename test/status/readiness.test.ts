import { evaluate, exitCodeOf, StatusRow } from '../../src/status/evaluate';
import { ClusterSnapshot, Condition, InstanceRecord } from '../../src/status/records';

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

  it('makes the whole team and the report not ready when one instance is not', () => {
    const report = evaluate(snapshot([{ state: 'ACTIVE', conditions: [READY_TRUE] }, { state: 'IN_PROGRESS', conditions: [READY_TRUE] }]));
    expect(report.teams[0].instances.map((row) => row.ready)).toEqual([true, false]);
    expect(report.teams[0].ready).toBe(false);
    expect(exitCodeOf(report)).toBe(1);
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

  it('when Active with Ready True', () => {
    expect(rgd('Active', [READY_TRUE])).toMatchObject({ ready: true, state: 'Active', reason: 'Ready' });
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
