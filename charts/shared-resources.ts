import { ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { LayerChart } from './layer-chart';
import { Gateway, GatewaySpecAllowedListenersNamespacesFrom, GatewaySpecListenersAllowedRoutesNamespacesFrom } from '../imports/gateway-gateway-gateway.networking.k8s.io';
import { Kafka, KafkaSpecKafkaAuthorizationType, KafkaSpecKafkaListenersAuthenticationType, KafkaSpecKafkaListenersType } from '../imports/strimzi-kafka-kafka.strimzi.io';
import {
  KafkaNodePool,
  KafkaNodePoolSpecRoles,
  KafkaNodePoolSpecStorageType,
  KafkaNodePoolSpecStorageVolumesKraftMetadata,
  KafkaNodePoolSpecStorageVolumesType,
} from '../imports/strimzi-kafkanodepool-kafka.strimzi.io';
import { ClusterConfig, kafkaReplication } from '../config/clusters';
import { PLATFORM } from '../config/platform';
import { VERSIONS } from '../config/versions';
import { CertificateIssuers } from './certificate-issuers';

/** Ports of the shared Kafka's listeners; workspaces open egress to exactly these. */
export const KAFKA_PORTS = { plain: 9092, tls: 9093 } as const;

const SCRAM = KafkaSpecKafkaListenersAuthenticationType.SCRAM_HYPHEN_SHA_HYPHEN_512;

/** Address applications use to reach the shared Kafka. */
export const KAFKA_BOOTSTRAP = `${PLATFORM.kafka.cluster}-kafka-bootstrap.${PLATFORM.kafka.namespace}.svc:${KAFKA_PORTS.plain}`;

export interface SharedResourcesChartProps extends ChartProps {
  readonly cluster: ClusterConfig;
}

/**
 * What all teams share: one Kafka cluster (Strimzi `kafka.strimzi.io/v1`, KRaft, combined
 * controller and broker nodes), the Gateway every WebApplication is served through, and the
 * issuer of their certificates.
 */
export class SharedResourcesChart extends LayerChart {
  constructor(scope: Construct, id: string, props: SharedResourcesChartProps) {
    super(scope, id, props);
    this.addKafka(props.cluster);
    this.addGateway();
    new CertificateIssuers(this, 'certificates', { authority: props.cluster.certificates });
  }

  private addKafka(cluster: ClusterConfig): void {
    const { replicas, minInSync } = kafkaReplication(cluster);
    const metadata = { name: PLATFORM.kafka.cluster, namespace: PLATFORM.kafka.namespace };
    new Kafka(this, 'kafka', {
      metadata,
      spec: {
        kafka: {
          version: VERSIONS.kafka.version,
          metadataVersion: VERSIONS.kafka.metadataVersion,
          // Every client authenticates as its team's KafkaUser, and ACLs keep each team to its
          // own topics; Strimzi's own components use the internal replication listener.
          listeners: [
            { name: 'plain', port: KAFKA_PORTS.plain, type: KafkaSpecKafkaListenersType.INTERNAL, tls: false, authentication: { type: SCRAM } },
            { name: 'tls', port: KAFKA_PORTS.tls, type: KafkaSpecKafkaListenersType.INTERNAL, tls: true, authentication: { type: SCRAM } },
          ],
          authorization: { type: KafkaSpecKafkaAuthorizationType.SIMPLE },
          config: {
            'offsets.topic.replication.factor': replicas,
            'transaction.state.log.replication.factor': replicas,
            'transaction.state.log.min.isr': minInSync,
            'default.replication.factor': replicas,
            'min.insync.replicas': minInSync,
          },
        },
        entityOperator: { topicOperator: {}, userOperator: {} },
      },
    });
    new KafkaNodePool(this, 'kafka-nodes', {
      metadata: { name: 'nodes', namespace: PLATFORM.kafka.namespace, labels: { 'strimzi.io/cluster': PLATFORM.kafka.cluster } },
      spec: {
        replicas: cluster.kafka.brokers,
        roles: [KafkaNodePoolSpecRoles.CONTROLLER, KafkaNodePoolSpecRoles.BROKER],
        storage: {
          type: KafkaNodePoolSpecStorageType.JBOD,
          volumes: [
            {
              id: 0,
              type: KafkaNodePoolSpecStorageVolumesType.PERSISTENT_HYPHEN_CLAIM,
              size: cluster.kafka.storage,
              deleteClaim: false,
              kraftMetadata: KafkaNodePoolSpecStorageVolumesKraftMetadata.SHARED,
            },
          ],
        },
      },
    });
  }

  /**
   * The Gateway holds one listener, plain HTTP, where each application redirects its host to
   * HTTPS and ACME challenges are answered. Each application brings its HTTPS listener (its host
   * and certificate) in a ListenerSet in its own namespace: a Gateway holds at most 64
   * listeners, attached ListenerSets have no such limit, and no team edits the shared Gateway.
   */
  private addGateway(): void {
    const tenants = { matchExpressions: [{ key: PLATFORM.tenantLabel, operator: 'Exists' }] };
    new Gateway(this, 'gateway', {
      metadata: { name: PLATFORM.gateway.name, namespace: PLATFORM.gateway.namespace },
      spec: {
        gatewayClassName: PLATFORM.gateway.className,
        allowedListeners: { namespaces: { from: GatewaySpecAllowedListenersNamespacesFrom.SELECTOR, selector: tenants } },
        listeners: [
          {
            // No hostname: teams bring their own hosts, and synth keeps them unique across teams.
            name: PLATFORM.gateway.httpListener,
            port: 80,
            protocol: 'HTTP',
            allowedRoutes: { namespaces: { from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SELECTOR, selector: tenants } },
          },
        ],
      },
    });
  }
}
