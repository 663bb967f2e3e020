import { diffResources, formatChanges, unifiedDiff } from '../../src/preview/diff';

const deployment = (replicas: number) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'team-a-web', namespace: 'team-a' }, spec: { replicas } });
const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'team-a-web', namespace: 'team-a' }, spec: {} };
const topic = { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic', metadata: { name: 'team-a-01', namespace: 'kafka' } };

describe('diffResources', () => {
  it('lists added, changed and removed resources with a line diff', () => {
    const changes = diffResources([deployment(2), service, topic], [deployment(3), service, { ...topic, metadata: { ...topic.metadata, name: 'team-a-02' } }]);
    expect(formatChanges(changes)).toBe(
      [
        '1 added, 1 changed, 1 removed',
        '',
        '~ changed apps/v1 Deployment team-a/team-a-web',
        '       namespace: team-a',
        '     spec:',
        '    -  replicas: 2',
        '    +  replicas: 3',
        '',
        '+ added kafka.strimzi.io/v1 KafkaTopic kafka/team-a-02',
        '    +apiVersion: kafka.strimzi.io/v1',
        '    +kind: KafkaTopic',
        '    +metadata:',
        '    +  name: team-a-02',
        '    +  namespace: kafka',
        '',
        '- removed kafka.strimzi.io/v1 KafkaTopic kafka/team-a-01',
        '    -apiVersion: kafka.strimzi.io/v1',
        '    -kind: KafkaTopic',
        '    -metadata:',
        '    -  name: team-a-01',
        '    -  namespace: kafka',
        '',
      ].join('\n'),
    );
  });

  it('says when nothing changes', () => {
    expect(formatChanges(diffResources([service], [service]))).toBe('No changes to the created resources.\n');
  });
});

describe('unifiedDiff', () => {
  const lines = (count: number, changed: Record<number, string> = {}) => Array.from({ length: count }, (_, index) => changed[index] ?? `line ${index}`);

  it('shows two lines of context around a change, and @@ between changes further apart', () => {
    expect(unifiedDiff(lines(12), lines(12, { 1: 'one', 10: 'ten' }))).toEqual([
      ' line 0', '-line 1', '+one', ' line 2', ' line 3',
      '@@',
      ' line 8', ' line 9', '-line 10', '+ten', ' line 11',
    ]);
    // Four unchanged lines between two changes: the contexts of both meet, no @@; five: one line is left out.
    expect(unifiedDiff(lines(9), lines(9, { 1: 'one', 6: 'six' }))).toEqual([
      ' line 0', '-line 1', '+one', ' line 2', ' line 3', ' line 4', ' line 5', '-line 6', '+six', ' line 7', ' line 8',
    ]);
    expect(unifiedDiff(lines(9), lines(9, { 1: 'one', 7: 'seven' }))).toEqual([
      ' line 0', '-line 1', '+one', ' line 2', ' line 3', '@@', ' line 5', ' line 6', '-line 7', '+seven', ' line 8',
    ]);
  });

  it('keeps the longest common part: lines added or removed at either end or in the middle', () => {
    expect(unifiedDiff(['a', 'b', 'c'], ['x', 'a', 'b', 'c', 'y'])).toEqual(['+x', ' a', ' b', ' c', '+y']);
    expect(unifiedDiff(['a', 'b', 'c', 'd'], ['a', 'c'])).toEqual([' a', '-b', ' c', '-d']);
    expect(unifiedDiff([], ['a'])).toEqual(['+a']);
    expect(unifiedDiff(['a'], [])).toEqual(['-a']);
    expect(unifiedDiff(['a', 'b'], ['a', 'b'])).toEqual([]);
  });

  it('keeps the longest common part when lines move: each moved line once removed and once added', () => {
    expect(unifiedDiff(['a', 'b', 'c'], ['b', 'c', 'a'])).toEqual(['-a', ' b', ' c', '+a']);
    expect(unifiedDiff(['a', 'b', 'c', 'd'], ['a', 'c', 'b', 'd'])).toEqual([' a', '-b', ' c', '+b', ' d']);
    expect(unifiedDiff(['x', 'y'], ['y', 'x'])).toEqual(['-x', ' y', '+x']);
    expect(unifiedDiff(['a', 'b', 'a'], ['b', 'a', 'b'])).toEqual(['-a', ' b', ' a', '+b']);
    expect(unifiedDiff(['a'], ['b'])).toEqual(['-a', '+b']);
    // A replaced line: what goes before what comes.
    expect(unifiedDiff(['a'], ['b', 'c'])).toEqual(['-a', '+b', '+c']);
    expect(unifiedDiff(['a'], ['b', 'c', 'a'])).toEqual(['+b', '+c', ' a']);
  });
});
