import { diffResources, formatChanges } from '../../src/preview/diff';

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
