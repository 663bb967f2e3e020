/**
 * What the committed RGDs make of the fields that wire an application to the rest of its team:
 * expanded as kro would (the preview engine), so the assertions are about the objects a cluster
 * receives, not about template text.
 */
import * as path from 'path';
import { expandInstance } from '../../src/preview/expand';
import { loadRgds } from '../../src/preview/rgd';
import type { Instance } from '../../src/user-space/model';
import { PLATFORM } from '../../config/platform';
import { webApplication } from '../../abstractions/web-application/resources';

const ROOT = path.resolve(__dirname, '..', '..');
const rgds = loadRgds(ROOT, path.join(ROOT, 'dist', 'dev', 'abstractions'));
const SOURCE = { file: 'user-space/team-x/app.yaml', line: 1, col: 1 };

function expand(kind: string, name: string, spec: Record<string, unknown>) {
  const instance: Instance = { apiVersion: 'kro.run/v1alpha1', kind, metadata: { name, namespace: 'team-x' }, spec };
  const expansion = expandInstance(instance, rgds, SOURCE);
  expect(expansion.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
  return (id: string) => expansion.resources.find((resource) => resource.resourceId === id)?.object as any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const APP = { image: 'ghcr.io/acme/shop', tag: '1.0.0', host: 'shop.example.com' };
const envOf = (resource: (id: string) => any) => resource('deployment').spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[]; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('WebApplication infrastructure', () => {
  it('reads the libpq variables and DATABASE_URL from the keys CloudNativePG writes into <name>-app', () => {
    const env = envOf(expand('WebApplication', 'team-x-shop', { ...APP, infrastructure: 'team-x-db' }));
    const fromSecret = Object.fromEntries(env.filter((entry) => (entry.valueFrom as any)?.secretKeyRef?.name === 'team-x-db-app').map((entry) => [entry.name, (entry.valueFrom as any).secretKeyRef])); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(fromSecret).toEqual({
      DATABASE_URL: { name: 'team-x-db-app', key: 'uri' },
      PGHOST: { name: 'team-x-db-app', key: 'host' },
      PGPORT: { name: 'team-x-db-app', key: 'port' },
      PGDATABASE: { name: 'team-x-db-app', key: 'dbname' },
      PGUSER: { name: 'team-x-db-app', key: 'user' },
      PGPASSWORD: { name: 'team-x-db-app', key: 'password' },
    });
    expect(env.find((entry) => entry.name === 'REDIS_URL')).toEqual({
      name: 'REDIS_URL',
      valueFrom: { configMapKeyRef: { name: 'team-x-db-connection', key: 'REDIS_URL', optional: true } },
    });
    // Nothing secret is a literal value: every database variable is a reference.
    expect(env.filter((entry) => /^(PG|DATABASE_)/.test(entry.name) && entry.value !== undefined)).toEqual([]);
  });

  it('adds no database or cache variable without an infrastructure', () => {
    const names = envOf(expand('WebApplication', 'team-x-shop', APP)).map((entry) => entry.name);
    expect(names.filter((name) => /^(PG|DATABASE_URL|REDIS_URL)/.test(name))).toEqual([]);
    expect(names).toContain('KAFKA_BOOTSTRAP_SERVERS');
  });
});

describe('Infrastructure connection ConfigMap', () => {
  it('holds the redis:// URL of the cache when there is one, and no REDIS_URL key without', () => {
    const withCache = expand('Infrastructure', 'team-x-db', { database: 'shop' })('connection');
    expect(withCache.metadata.name).toBe('team-x-db-connection');
    expect(withCache.data.REDIS_URL).toBe('redis://team-x-db-cache.team-x.svc:6379');
    const withoutCache = expand('Infrastructure', 'team-x-db', { database: 'shop', cache: false })('connection');
    expect(Object.keys(withoutCache.data)).not.toContain('REDIS_URL');
    expect(withoutCache.data.DATABASE_SECRET).toBe('team-x-db-app');
  });
});

describe('WebApplication autoscale', () => {
  it('makes a CPU HorizontalPodAutoscaler of the Deployment, which then has no replicas', () => {
    const resource = expand('WebApplication', 'team-x-shop', { ...APP, autoscale: { minReplicas: 2, maxReplicas: 5, cpuPercent: 70 } });
    expect(resource('deployment').spec).not.toHaveProperty('replicas');
    const autoscaler = resource('autoscaler');
    expect(autoscaler.apiVersion).toBe('autoscaling/v2');
    expect(autoscaler.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'team-x-shop' },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    });
  });

  it('targets 80% CPU unless told otherwise', () => {
    expect(expand('WebApplication', 'team-x-shop', { ...APP, autoscale: { minReplicas: 1, maxReplicas: 3 } })('autoscaler').spec.metrics[0].resource.target.averageUtilization).toBe(80);
  });

  it('keeps a fixed replicas and makes no autoscaler without autoscale', () => {
    const resource = expand('WebApplication', 'team-x-shop', { ...APP, replicas: 3 });
    expect(resource('deployment').spec.replicas).toBe(3);
    expect(resource('autoscaler')).toBeUndefined();
  });
});

describe('WebApplication environment', () => {
  it("tells the application how to reach Kafka as its team's user, whose password Kyverno copies in", () => {
    const env = new Map(envOf(expand('WebApplication', 'team-x-shop', APP)).map((variable) => [variable.name, variable]));
    expect(env.get('KAFKA_BOOTSTRAP_SERVERS')).toEqual({ name: 'KAFKA_BOOTSTRAP_SERVERS', value: `${PLATFORM.kafka.cluster}-kafka-bootstrap.${PLATFORM.kafka.namespace}.svc:9092` });
    expect(env.get('KAFKA_USERNAME')).toEqual({ name: 'KAFKA_USERNAME', value: 'team-x' });
    expect(env.get('KAFKA_SASL_MECHANISM')).toMatchObject({ value: 'SCRAM-SHA-512' });
    expect(env.get('KAFKA_PASSWORD')).toEqual({ name: 'KAFKA_PASSWORD', valueFrom: { secretKeyRef: { name: PLATFORM.kafka.credentialsSecret, key: 'password', optional: true } } });
  });

  it('reads each secretEnv variable from its Secret and key, in name order whatever the order written', () => {
    const env = envOf(expand('WebApplication', 'team-x-shop', { ...APP, secretEnv: { ZETA: 'team-x-keys/z', ALPHA: 'team-x-keys/a', MID: 'team-x-other/token' } }));
    expect(env.slice(-3)).toEqual([
      { name: 'ALPHA', valueFrom: { secretKeyRef: { name: 'team-x-keys', key: 'a' } } },
      { name: 'MID', valueFrom: { secretKeyRef: { name: 'team-x-other', key: 'token' } } },
      { name: 'ZETA', valueFrom: { secretKeyRef: { name: 'team-x-keys', key: 'z' } } },
    ]);
  });
});

describe('WebApplication over HTTPS', () => {
  const resource = expand('WebApplication', 'team-x-shop', APP);

  it('gets a certificate for its host from the cluster issuer, kept in its own namespace', () => {
    const certificate = resource('certificate');
    expect(certificate).toMatchObject({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'team-x-shop-tls', namespace: 'team-x' } });
    expect(certificate.spec).toEqual({
      secretName: 'team-x-shop-tls',
      dnsNames: ['shop.example.com'],
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: PLATFORM.certificates.issuer },
    });
  });

  it('brings its own HTTPS listener for its host to the shared Gateway, with that certificate', () => {
    const listenerSet = resource('listenerSet');
    expect(listenerSet).toMatchObject({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'ListenerSet', metadata: { namespace: 'team-x' } });
    expect(listenerSet.spec.parentRef).toEqual({ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: PLATFORM.gateway.name, namespace: PLATFORM.gateway.namespace });
    expect(listenerSet.spec.listeners).toEqual([
      {
        name: 'https',
        hostname: 'shop.example.com',
        port: 443,
        protocol: 'HTTPS',
        tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', group: '', name: resource('certificate').spec.secretName }] },
      },
    ]);
  });

  it('serves the application on that listener only, and redirects plain HTTP for its host to HTTPS', () => {
    const route = resource('route');
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'ListenerSet', name: resource('listenerSet').metadata.name, sectionName: 'https' }]);
    expect(route.spec.rules).toEqual([{ backendRefs: [{ name: 'team-x-shop', port: 80 }] }]);
    const redirect = resource('redirect');
    expect(redirect.spec).toEqual({
      parentRefs: [{ name: PLATFORM.gateway.name, namespace: PLATFORM.gateway.namespace, sectionName: PLATFORM.gateway.httpListener }],
      hostnames: ['shop.example.com'],
      rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
    });
    expect(redirect.spec.rules[0].backendRefs).toBeUndefined();
  });

  it('reports an https:// URL', () => {
    expect(webApplication.status().url).toBe('${"https://" + route.spec.hostnames[0]}');
  });
});
