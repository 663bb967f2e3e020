import { k8s } from 'cdk8s-plus-30';
import { HttpRoute } from '../../imports/gateway-httproute-gateway.networking.k8s.io';
import { KAFKA_BOOTSTRAP } from '../../charts/shared-resources';
import { PLATFORM } from '../../config/platform';
import { Abstraction, GraphResource, InstanceRefs, manifest } from '../graph';
import { appLabels, RESTRICTED, selectorLabels } from '../templates';
import { expr } from '../expression';
import { webApplicationApi, WebApplicationFields } from './api';

/** What kro creates for each WebApplication. */
export const webApplication: Abstraction<WebApplicationFields> = {
  ...webApplicationApi,
  status: () => ({
    availableReplicas: expr('deployment.status.availableReplicas'),
    url: expr('"http://" + route.spec.hostnames[0]'),
  }),
  resources: (instance) => [config(instance), deployment(instance), service(instance), route(instance)],
};

type Refs = InstanceRefs<WebApplicationFields>;
const COMPONENT = 'web';

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
            // A numeric user, so the kubelet can verify runAsNonRoot for images whose USER is a
            // name (podinfo's `app`), which it refuses to start otherwise.
            securityContext: { ...RESTRICTED.pod, runAsUser: spec.runAsUser, runAsGroup: spec.runAsUser },
            containers: [
              {
                name: 'app',
                image: `${spec.image}:${spec.tag}`,
                ports: [{ name: 'http', containerPort: spec.port }],
                envFrom: [{ configMapRef: { name: expr('config.metadata.name') } }],
                env: kafkaClientEnv(namespace),
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
 * The selector comes from the instance, like the Deployment's, not from the Deployment: kro
 * applies a resource only once every resource it refers to is ready, and the Deployment is
 * ready only when all replicas are. So the Service and the route exist from the start, and
 * traffic flows as soon as one pod passes its readiness probe.
 */
function service({ name, namespace }: Refs): GraphResource {
  return {
    id: 'service',
    template: manifest(k8s.KubeService, {
      metadata: { name, namespace, labels: appLabels(name, COMPONENT) },
      spec: {
        selector: selectorLabels(name, COMPONENT),
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
