import { k8s } from 'cdk8s-plus-30';
import { HttpRoute } from '../../imports/gateway-httproute-gateway.networking.k8s.io';
import { PodMonitor } from '../../imports/prometheus-podmonitor-monitoring.coreos.com';
import { prometheusPods } from '../workspace/resources';
import { KAFKA_BOOTSTRAP } from '../../charts/shared-resources';
import { PLATFORM } from '../../config/platform';
import { Abstraction, GraphResource, InstanceRefs, manifest } from '../graph';
import { appLabels, RESTRICTED, selectorLabels } from '../templates';
import { expr, mapExpr } from '../expression';
import { WEB_APPLICATION_COMPONENT, WEB_APPLICATION_CONTAINER, webApplicationApi, WebApplicationFields } from './api';

/** What kro creates for each WebApplication. */
export const webApplication: Abstraction<WebApplicationFields> = {
  ...webApplicationApi,
  status: () => ({
    availableReplicas: expr('deployment.status.availableReplicas'),
    url: expr('"http://" + route.spec.hostnames[0]'),
  }),
  resources: (instance) => [config(instance), deployment(instance), service(instance), route(instance), metricsMonitor(instance), metricsAccess(instance)],
};

type Refs = InstanceRefs<WebApplicationFields>;
const COMPONENT = WEB_APPLICATION_COMPONENT;

function config({ name, namespace, spec }: Refs): GraphResource {
  return {
    id: 'config',
    template: manifest(k8s.KubeConfigMap, {
      metadata: { name: `${name}-env`, namespace, labels: appLabels(name, COMPONENT) },
      data: spec.env,
    }),
  };
}

function deployment({ name, namespace, spec }: Refs): GraphResource {
  const probe = { httpGet: { path: spec.healthPath, port: k8s.IntOrString.fromString('http') }, periodSeconds: 10 };
  return {
    id: 'deployment',
    template: manifest(k8s.KubeDeployment, {
      metadata: { name, namespace, labels: appLabels(name, COMPONENT) },
      spec: {
        replicas: spec.replicas,
        selector: { matchLabels: selectorLabels(name, COMPONENT) },
        template: {
          metadata: { labels: appLabels(name, COMPONENT) },
          spec: {
            automountServiceAccountToken: false,
            securityContext: RESTRICTED.pod,
            containers: [
              {
                name: WEB_APPLICATION_CONTAINER,
                image: `${spec.image}:${spec.tag}`,
                ports: [{ name: 'http', containerPort: spec.port }],
                envFrom: [{ configMapRef: { name: expr('config.metadata.name') } }],
                env: [...kafkaClientEnv(namespace), ...telemetryEnv(name, namespace)],
                readinessProbe: probe,
                livenessProbe: { ...probe, initialDelaySeconds: 10 },
                resources: {
                  requests: { cpu: k8s.Quantity.fromString(spec.cpu), memory: k8s.Quantity.fromString(spec.memory) },
                  limits: { memory: k8s.Quantity.fromString(spec.memory) },
                },
                securityContext: RESTRICTED.container,
                // The root filesystem is read-only; most servers still want a scratch directory.
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    }),
    readyWhen: [expr('has(deployment.status.availableReplicas) && deployment.status.availableReplicas == deployment.spec.replicas')],
  };
}

/**
 * How to reach the shared Kafka as the team's user. The credentials Secret appears once Kafka
 * has made the user, so it is optional: an application that does not use Kafka starts without it.
 */
function kafkaClientEnv(namespace: string): k8s.EnvVar[] {
  const credential = (key: string) => ({ secretKeyRef: { name: PLATFORM.kafka.credentialsSecret, key, optional: true } });
  return [
    { name: 'KAFKA_BOOTSTRAP_SERVERS', value: KAFKA_BOOTSTRAP },
    { name: 'KAFKA_SECURITY_PROTOCOL', value: 'SASL_PLAINTEXT' },
    { name: 'KAFKA_SASL_MECHANISM', value: 'SCRAM-SHA-512' },
    { name: 'KAFKA_USERNAME', value: namespace },
    { name: 'KAFKA_PASSWORD', valueFrom: credential('password') },
    { name: 'KAFKA_SASL_JAAS_CONFIG', valueFrom: credential('sasl.jaas.config') },
  ];
}

/**
 * Where an OpenTelemetry SDK sends traces (and metrics and logs, if the app sends them): the
 * platform's collector, which forwards traces to Tempo. An instrumented app needs no settings.
 */
function telemetryEnv(name: string, namespace: string): k8s.EnvVar[] {
  return [
    { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: PLATFORM.monitoring.collector.otlpHttpEndpoint },
    { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'http/protobuf' },
    { name: 'OTEL_SERVICE_NAME', value: name },
    { name: 'OTEL_RESOURCE_ATTRIBUTES', value: `service.namespace=${namespace},k8s.namespace.name=${namespace}` },
  ];
}

const HAS_METRICS = expr('has(schema.spec.metrics)');

/** With `metrics`: Prometheus scrapes the declared port and path of every pod of the application. */
function metricsMonitor({ name, namespace }: Refs): GraphResource {
  return {
    id: 'metricsMonitor',
    includeWhen: [HAS_METRICS],
    template: manifest(PodMonitor, {
      metadata: { name, namespace, labels: appLabels(name, COMPONENT) },
      spec: {
        selector: { matchLabels: selectorLabels(name, COMPONENT) },
        podMetricsEndpoints: [{ portNumber: expr<number>('schema.spec.metrics.port'), path: expr('schema.spec.metrics.path') }],
      },
    }),
  };
}

/** With `metrics`: the Workspace denies all ingress, so Prometheus is admitted, on the metrics port only. */
function metricsAccess({ name, namespace }: Refs): GraphResource {
  return {
    id: 'metricsAccess',
    includeWhen: [HAS_METRICS],
    template: manifest(k8s.KubeNetworkPolicy, {
      metadata: { name: `${name}-allow-prometheus`, namespace, labels: appLabels(name, COMPONENT) },
      spec: {
        podSelector: { matchLabels: selectorLabels(name, COMPONENT) },
        policyTypes: ['Ingress'],
        ingress: [{ from: [prometheusPods()], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(expr<number>('schema.spec.metrics.port')) }] }],
      },
    }),
  };
}

function service({ name, namespace }: Refs): GraphResource {
  return {
    id: 'service',
    template: manifest(k8s.KubeService, {
      metadata: { name, namespace, labels: appLabels(name, COMPONENT) },
      spec: {
        selector: mapExpr('deployment.spec.selector.matchLabels'),
        ports: [{ name: 'http', port: 80, targetPort: k8s.IntOrString.fromString('http') }],
      },
    }),
  };
}

function route({ name, namespace, spec }: Refs): GraphResource {
  return {
    id: 'route',
    template: manifest(HttpRoute, {
      metadata: { name, namespace, labels: appLabels(name, COMPONENT) },
      spec: {
        parentRefs: [{ name: PLATFORM.gateway.name, namespace: PLATFORM.gateway.namespace }],
        hostnames: [spec.host],
        rules: [{ backendRefs: [{ name: expr('service.metadata.name'), port: 80 }] }],
      },
    }),
  };
}
