import { k8s } from 'cdk8s-plus-30';
import { HttpRoute } from '../imports/gateway-httproute-gateway.networking.k8s.io';
import { PLATFORM } from '../config/platform';
import { Abstraction, GraphResource, InstanceRefs, manifest } from './abstraction';
import { appLabels, PATTERNS, RESTRICTED, SEED_NAME_FIELD, SEED_NAMESPACE_FIELD, selectorLabels } from './common';
import { expr, mapExpr } from './expression';
import { field } from './schema';

const spec = {
  name: SEED_NAME_FIELD,
  namespace: SEED_NAMESPACE_FIELD,
  image: field.string({
    description: 'Container image repository, without the tag, e.g. ghcr.io/acme/shop.',
    required: true,
    pattern: PATTERNS.imageRepository,
    maxLength: 255,
    hint: 'write the repository only (registry/path/name) and put the version in `tag`',
  }),
  tag: field.string({
    description: 'Image tag to run; prefer an immutable version over latest.',
    required: true,
    pattern: PATTERNS.imageTag,
    hint: 'letters, digits, `_`, `.` and `-`, at most 128 characters',
  }),
  replicas: field.integer({ description: 'Number of pods.', default: 1, minimum: 1, maximum: 20 }),
  host: field.string({
    description: 'Hostname the shared Gateway routes to the application, e.g. shop.example.com.',
    required: true,
    pattern: PATTERNS.hostname,
    maxLength: 253,
    hint: 'a lower-case DNS name with at least one dot, e.g. shop.example.com',
  }),
  port: field.integer({ description: 'Port the container listens on (unprivileged, so at least 1024).', default: 8080, minimum: 1024, maximum: 65535 }),
  healthPath: field.string({ description: 'HTTP path of the readiness and liveness probes.', default: '/', pattern: PATTERNS.httpPath }),
  env: field.stringMap({ description: 'Environment variables, published as a ConfigMap the container reads.', default: {} }),
  cpu: field.string({ description: 'CPU the container requests.', default: '100m', pattern: PATTERNS.cpu, hint: 'a CPU quantity such as 250m or 1' }),
  memory: field.string({ description: 'Memory the container requests and may not exceed.', default: '256Mi', pattern: PATTERNS.memory, hint: 'a memory quantity such as 128Mi or 1Gi' }),
};

/** A stateless HTTP service: a Deployment of restricted pods, a Service and a route on the shared Gateway. */
export const webApplication: Abstraction<typeof spec> = {
  kind: 'WebApplication',
  plural: 'webapplications',
  scope: 'Namespaced',
  description: 'A stateless HTTP application: a Deployment whose pods meet the restricted Pod Security Standard, a Service, and an HTTPRoute on the shared Gateway for `host`.',
  spec,
  status: () => ({
    availableReplicas: expr('deployment.status.availableReplicas'),
    url: expr('"http://" + route.spec.hostnames[0]'),
  }),
  printerColumns: [
    { name: 'Available', type: 'integer', jsonPath: '.status.availableReplicas' },
    { name: 'URL', type: 'string', jsonPath: '.status.url' },
  ],
  resources: (instance) => [config(instance), deployment(instance), service(instance), route(instance)],
};

type Refs = InstanceRefs<typeof spec>;
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
            securityContext: RESTRICTED.pod,
            containers: [
              {
                name: 'app',
                image: `${spec.image}:${spec.tag}`,
                ports: [{ name: 'http', containerPort: spec.port }],
                envFrom: [{ configMapRef: { name: expr('config.metadata.name') } }],
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
