import { k8s } from 'cdk8s-plus-30';
import { Certificate } from '../../imports/certmanager-certificate-cert-manager.io';
import {
  HttpRoute,
  HttpRouteSpecRulesFiltersRequestRedirectScheme,
  HttpRouteSpecRulesFiltersRequestRedirectStatusCode,
  HttpRouteSpecRulesFiltersType,
} from '../../imports/gateway-httproute-gateway.networking.k8s.io';
import { ListenerSet, ListenerSetSpecListenersTlsMode } from '../../imports/gateway-listenerset-gateway.networking.k8s.io';
import { KAFKA_BOOTSTRAP } from '../../charts/shared-resources';
import { PLATFORM } from '../../config/platform';
import { Abstraction, GraphResource, InstanceRefs, manifest } from '../graph';
import { appLabels, RESTRICTED, selectorLabels } from '../templates';
import { celLiteral, expr } from '../expression';
import { CACHE_URL_KEY, DATABASE_SECRET_KEYS, INFRASTRUCTURE_SUFFIXES } from '../infrastructure/resources';
import { webApplicationApi, WebApplicationFields } from './api';

/** What kro creates for each WebApplication. */
export const webApplication: Abstraction<WebApplicationFields> = {
  ...webApplicationApi,
  status: () => ({
    availableReplicas: expr('deployment.status.availableReplicas'),
    url: expr('"https://" + route.spec.hostnames[0]'),
  }),
  resources: (instance) => [
    config(instance),
    deployment(instance),
    autoscaler(instance),
    service(instance),
    certificate(instance),
    listenerSet(instance),
    route(instance),
    redirect(instance),
  ],
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
  const template = deploymentTemplate({ name, namespace, spec });
  // Entries made from the instance's maps make env a list only a whole expression can build,
  // which a typed EnvVar[] cannot hold: it joins the rendered template.
  const [container] = (template.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers;
  container.env = expr(`${celLiteral(kafkaClientEnv(namespace))} + ${infrastructureEnv()} + ${secretEnv()}`);
  return {
    id: 'deployment',
    template,
    readyWhen: [expr('has(deployment.status.availableReplicas) && deployment.status.availableReplicas == deployment.spec.replicas')],
  };
}

function deploymentTemplate({ name, namespace, spec }: Refs): Record<string, unknown> {
  const probe = { httpGet: { path: spec.healthPath, port: k8s.IntOrString.fromString('http') }, periodSeconds: 10 };
  return manifest(k8s.KubeDeployment, {
      metadata: { name, namespace, labels: appLabels(name, COMPONENT) },
      spec: {
        // Under an autoscaler kro leaves replicas out, so the two never fight over it.
        replicas: expr<number>('has(schema.spec.autoscale) ? omit() : schema.spec.replicas'),
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
    });
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
 * CEL for the database's credentials and the cache's URL when `infrastructure` names one, no
 * entry otherwise. The values stay in the Secret CloudNativePG writes; the pod waits for it.
 * REDIS_URL is optional: the connection ConfigMap has the key only when the Infrastructure runs
 * a cache.
 */
function infrastructureEnv(): string {
  const infrastructure = 'schema.spec.infrastructure';
  const secretKey = (key: string) => `{"secretKeyRef": {"name": ${infrastructure} + "${INFRASTRUCTURE_SUFFIXES.databaseSecret}", "key": "${key}"}}`;
  const cacheUrl = `{"configMapKeyRef": {"name": ${infrastructure} + "${INFRASTRUCTURE_SUFFIXES.connectionConfigMap}", "key": "${CACHE_URL_KEY}", "optional": true}}`;
  const entries = [...Object.entries(DATABASE_SECRET_KEYS).map(([variable, key]) => [variable, secretKey(key)]), [CACHE_URL_KEY, cacheUrl]];
  return `(has(${infrastructure}) ? [${entries.map(([variable, valueFrom]) => `{"name": "${variable}", "valueFrom": ${valueFrom}}`).join(', ')}] : [])`;
}

/**
 * CEL for one entry per `secretEnv` variable, reading `<secret>/<key>` from the team's Secret.
 * Sorted by name: a map's keys come in no fixed order, and a reordered env would roll the pods.
 */
function secretEnv(): string {
  const secretEnv = 'schema.spec.secretEnv';
  const part = (index: number) => `${secretEnv}[name].split("/")[${index}]`;
  return `(has(${secretEnv}) ? ${secretEnv}.map(name, name).sort().map(name, {"name": name, "valueFrom": {"secretKeyRef": {"name": ${part(0)}, "key": ${part(1)}}}}) : [])`;
}

/**
 * Scales the Deployment on its pods' CPU use relative to what they request. It names the
 * Deployment from the instance, not from the Deployment resource: kro creates a resource only
 * once those it refers to are ready, and the autoscaler must not wait for a full rollout.
 */
function autoscaler({ name, namespace }: Refs): GraphResource {
  return {
    id: 'autoscaler',
    includeWhen: [expr('has(schema.spec.autoscale)')],
    template: manifest(k8s.KubeHorizontalPodAutoscalerV2, {
      metadata: { name, namespace, labels: appLabels(name, COMPONENT) },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: expr<number>('schema.spec.autoscale.minReplicas'),
        maxReplicas: expr<number>('schema.spec.autoscale.maxReplicas'),
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: expr<number>('schema.spec.autoscale.cpuPercent') } },
          },
        ],
      },
    }),
  };
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

/** The host's certificate, from the cluster's issuer (a local CA on dev, ACME on prd), renewed by cert-manager. */
function certificate({ name, namespace, spec }: Refs): GraphResource {
  return {
    id: 'certificate',
    template: manifest(Certificate, {
      metadata: { name: `${name}-tls`, namespace, labels: appLabels(name, COMPONENT) },
      spec: {
        secretName: `${name}-tls`,
        dnsNames: [spec.host],
        issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: PLATFORM.certificates.issuer },
      },
    }),
  };
}

/**
 * The application's HTTPS listener on the shared Gateway: its host, terminated with its own
 * certificate. A ListenerSet in the team's namespace, because a Gateway holds at most 64
 * listeners and the platform serves thousands of hosts; the certificate's Secret stays in the
 * team's namespace with it. Names come from the instance, so kro does not wait for the
 * certificate to be issued before the listener exists.
 */
function listenerSet({ name, namespace, spec }: Refs): GraphResource {
  return {
    id: 'listenerSet',
    template: manifest(ListenerSet, {
      metadata: { name, namespace, labels: appLabels(name, COMPONENT) },
      spec: {
        parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: PLATFORM.gateway.name, namespace: PLATFORM.gateway.namespace },
        listeners: [
          {
            name: PLATFORM.gateway.httpsListener,
            hostname: spec.host,
            port: 443,
            protocol: 'HTTPS',
            tls: { mode: ListenerSetSpecListenersTlsMode.TERMINATE, certificateRefs: [{ kind: 'Secret', group: '', name: `${name}-tls` }] },
          },
        ],
      },
    }),
  };
}

/** Routes the host, over HTTPS only (the application's own listener), to the Service. */
function route({ name, namespace, spec }: Refs): GraphResource {
  return {
    id: 'route',
    template: manifest(HttpRoute, {
      metadata: { name, namespace, labels: appLabels(name, COMPONENT) },
      spec: {
        parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'ListenerSet', name, sectionName: PLATFORM.gateway.httpsListener }],
        hostnames: [spec.host],
        rules: [{ backendRefs: [{ name: expr('service.metadata.name'), port: 80 }] }],
      },
    }),
  };
}

/**
 * Plain HTTP to the host is redirected to HTTPS (301). The ACME HTTP-01 challenge route
 * cert-manager adds for the same host matches its exact path, which outranks this route's "/".
 */
function redirect({ name, namespace, spec }: Refs): GraphResource {
  return {
    id: 'redirect',
    template: manifest(HttpRoute, {
      metadata: { name: `${name}-redirect`, namespace, labels: appLabels(name, COMPONENT) },
      spec: {
        parentRefs: [{ name: PLATFORM.gateway.name, namespace: PLATFORM.gateway.namespace, sectionName: PLATFORM.gateway.httpListener }],
        hostnames: [spec.host],
        rules: [
          {
            filters: [
              {
                type: HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT,
                requestRedirect: { scheme: HttpRouteSpecRulesFiltersRequestRedirectScheme.HTTPS, statusCode: HttpRouteSpecRulesFiltersRequestRedirectStatusCode.VALUE_301 },
              },
            ],
          },
        ],
      },
    }),
  };
}
