import { KafkaTopic } from '../imports/strimzi-kafkatopic-kafka.strimzi.io';
import { ClusterConfig, kafkaReplication } from '../config/clusters';
import { PLATFORM } from '../config/platform';
import { Abstraction, GraphResource, InstanceRefs, manifest } from './abstraction';
import { conditionTrue, SEED_NAME_FIELD, SEED_NAMESPACE_FIELD } from './common';
import { expr } from './expression';
import { field } from './schema';

const spec = {
  name: SEED_NAME_FIELD,
  namespace: SEED_NAMESPACE_FIELD,
  partitions: field.integer({ description: 'Number of partitions.', default: 3, minimum: 1, maximum: 64 }),
  retentionHours: field.integer({ description: 'How long messages are kept, in hours (at most a year).', default: 168, minimum: 1, maximum: 8760 }),
};

/**
 * A Kafka topic on the shared cluster. Strimzi's topic operator only watches the Kafka
 * cluster's namespace, so the KafkaTopic is created there, named `<namespace>.<name>` so two
 * teams can never claim the same topic.
 */
export const topic: Abstraction<typeof spec> = {
  kind: 'Topic',
  plural: 'topics',
  scope: 'Namespaced',
  description:
    "A topic on the shared Kafka, named `<namespace>.<name>` in Kafka, replicated as far as the cluster's brokers allow. Clients reach Kafka at `shared-kafka-bootstrap.kafka.svc:9092`.",
  spec,
  status: () => ({ topicName: expr('kafkaTopic.spec.topicName') }),
  printerColumns: [{ name: 'Topic', type: 'string', jsonPath: '.status.topicName' }],
  resources: (instance, cluster) => [kafkaTopic(instance, cluster)],
};

function kafkaTopic({ name, namespace, spec: values }: InstanceRefs<typeof spec>, cluster: ClusterConfig): GraphResource {
  const { replicas, minInSync } = kafkaReplication(cluster);
  const topicName = `${namespace}.${name}`;
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
