import { KafkaTopic } from '../../imports/strimzi-kafkatopic-kafka.strimzi.io';
import { ClusterConfig, kafkaReplication } from '../../config/clusters';
import { PLATFORM } from '../../config/platform';
import { Abstraction, GraphResource, InstanceRefs, manifest } from '../graph';
import { conditionTrue } from '../templates';
import { expr } from '../expression';
import { topicApi, TopicFields } from './api';

/** What kro creates for each Topic. */
export const topic: Abstraction<TopicFields> = {
  ...topicApi,
  status: () => ({ topicName: expr('kafkaTopic.spec.topicName') }),
  resources: (instance, cluster) => [kafkaTopic(instance, cluster)],
};

function kafkaTopic({ namespace, spec: values }: InstanceRefs<TopicFields>, cluster: ClusterConfig): GraphResource {
  const { replicas, minInSync } = kafkaReplication(cluster);
  // The Kafka name is the instance's name with its `<team>-` prefix (the naming convention, which
  // the cluster enforces) turned into `<team>.`: `team-b-orders` is `team-b.orders`. A team name
  // has no dot, so the prefix `<team>.` that the team's Kafka user may use belongs to that team
  // alone, and each instance name gives one topic name.
  const topicName = expr<string>('schema.metadata.namespace + "." + schema.metadata.name.substring(size(schema.metadata.namespace) + 1)');
  return {
    id: 'kafkaTopic',
    template: manifest(KafkaTopic, {
      metadata: {
        name: topicName,
        namespace: PLATFORM.kafka.namespace,
        labels: { 'strimzi.io/cluster': PLATFORM.kafka.cluster, [PLATFORM.tenantLabel]: namespace },
      },
      spec: {
        topicName,
        partitions: values.partitions,
        replicas,
        config: { 'retention.ms': expr<number>('schema.spec.retentionHours * 3600000'), 'min.insync.replicas': minInSync },
      },
    }),
    readyWhen: [conditionTrue('kafkaTopic', 'Ready')],
  };
}
