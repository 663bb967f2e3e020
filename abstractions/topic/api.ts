import { AbstractionApi } from '../api';
import { SEED_NAME_FIELD, SEED_NAMESPACE_FIELD } from '../fields';
import { field } from '../schema';

const spec = {
  name: SEED_NAME_FIELD,
  namespace: SEED_NAMESPACE_FIELD,
  partitions: field.integer({ description: 'Number of partitions.', default: 3, minimum: 1, maximum: 64 }),
  retentionHours: field.integer({ description: 'How long messages are kept, in hours (at most a year).', default: 168, minimum: 1, maximum: 8760 }),
};

/** The fields of a Topic, as teams write them. */
export type TopicFields = typeof spec;

/**
 * A Kafka topic on the shared cluster. Strimzi's topic operator only watches the Kafka
 * cluster's namespace, so the KafkaTopic is created there, named `<namespace>.<rest of the name>`
 * (`team-b-orders` is `team-b.orders`) so two teams can never claim the same topic.
 */
export const topicApi: AbstractionApi<TopicFields> = {
  kind: 'Topic',
  plural: 'topics',
  scope: 'Namespaced',
  description:
    "A topic on the shared Kafka, named `<namespace>.<name without the <namespace>- prefix>` in Kafka (`team-b-orders` is `team-b.orders`), replicated as far as the cluster's brokers allow. Clients reach Kafka at `shared-kafka-bootstrap.kafka.svc:9092` with SASL SCRAM-SHA-512 as the team's user (a WebApplication gets the settings as `KAFKA_*` environment variables); consumer group ids must start with `<namespace>.` too.",
  spec,
  printerColumns: [{ name: 'Topic', type: 'string', jsonPath: '.status.topicName' }],
};
