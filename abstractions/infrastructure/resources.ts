import { k8s } from 'cdk8s-plus-30';
import { Cluster } from '../../imports/cnpg-cluster-postgresql.cnpg.io';
import { ClusterConfig } from '../../config/clusters';
import { VERSIONS } from '../../config/versions';
import { Abstraction, GraphResource, InstanceRefs, manifest } from '../graph';
import { appLabels, RESTRICTED, selectorLabels } from '../templates';
import { expr } from '../expression';
import { infrastructureApi, InfrastructureFields } from './api';

/** What kro creates for each Infrastructure. */
export const infrastructure: Abstraction<InfrastructureFields> = {
  ...infrastructureApi,
  status: () => ({
    readyInstances: expr('database.status.readyInstances'),
    connectionConfigMap: expr('connection.metadata.name'),
  }),
  resources: (instance, cluster) => [database(instance, cluster), cacheDeployment(instance), cacheService(instance), connection(instance)],
};

const CACHE_PORT = 6379;
const CACHE = 'cache';

/**
 * Suffixes, after the Infrastructure's name, of what applications read: CloudNativePG's Secret
 * with the owner's credentials (`<cluster>-app`, written by the operator, never in Git) and the
 * ConfigMap with the connection details.
 */
export const INFRASTRUCTURE_SUFFIXES = { databaseSecret: '-app', connectionConfigMap: '-connection' } as const;

/**
 * Keys of the `<cluster>-app` Secret (CloudNativePG 1.30, pkg/specs/secrets.go CreateSecret) by
 * the libpq environment variable each one feeds; `uri` is the whole `postgresql://` URL.
 */
export const DATABASE_SECRET_KEYS = {
  DATABASE_URL: 'uri',
  PGHOST: 'host',
  PGPORT: 'port',
  PGDATABASE: 'dbname',
  PGUSER: 'user',
  PGPASSWORD: 'password',
} as const;

/** Key of the connection ConfigMap holding the cache's `redis://` URL; absent without a cache. */
export const CACHE_URL_KEY = 'REDIS_URL';

type Refs = InstanceRefs<InfrastructureFields>;

function database({ name, namespace, spec }: Refs, cluster: ClusterConfig): GraphResource {
  return {
    id: 'database',
    template: manifest(Cluster, {
      metadata: { name, namespace, labels: appLabels(name, 'database') },
      spec: {
        instances: cluster.postgres.instances,
        storage: { size: spec.storage },
        // initdb creates the database and its owner once; the operator generates the password.
        bootstrap: { initdb: { database: spec.database, owner: spec.database } },
      },
    }),
    readyWhen: [expr('has(database.status.readyInstances) && database.status.readyInstances == database.spec.instances')],
  };
}

function cacheDeployment({ name, namespace }: Refs): GraphResource {
  return {
    id: 'cacheDeployment',
    includeWhen: [expr('schema.spec.cache')],
    template: manifest(k8s.KubeDeployment, {
      metadata: { name: `${name}-cache`, namespace, labels: appLabels(name, CACHE) },
      spec: {
        replicas: 1,
        selector: { matchLabels: selectorLabels(name, CACHE) },
        template: {
          metadata: { labels: appLabels(name, CACHE) },
          spec: {
            automountServiceAccountToken: false,
            // The image's own `valkey` user, so the restricted profile's runAsNonRoot holds.
            securityContext: { ...RESTRICTED.pod, runAsUser: 999, runAsGroup: 999, fsGroup: 999 },
            containers: [
              {
                name: 'valkey',
                image: VERSIONS.images.valkey,
                args: ['--save', '', '--appendonly', 'no'],
                ports: [{ name: 'valkey', containerPort: CACHE_PORT }],
                readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('valkey') }, periodSeconds: 5 },
                resources: { requests: { cpu: k8s.Quantity.fromString('50m'), memory: k8s.Quantity.fromString('64Mi') }, limits: { memory: k8s.Quantity.fromString('128Mi') } },
                securityContext: RESTRICTED.container,
                volumeMounts: [{ name: 'data', mountPath: '/data' }],
              },
            ],
            volumes: [{ name: 'data', emptyDir: {} }],
          },
        },
      },
    }),
    readyWhen: [expr('has(cacheDeployment.status.availableReplicas) && cacheDeployment.status.availableReplicas == 1')],
  };
}

function cacheService({ name, namespace }: Refs): GraphResource {
  return {
    id: 'cacheService',
    includeWhen: [expr('schema.spec.cache')],
    template: manifest(k8s.KubeService, {
      metadata: { name: `${name}-cache`, namespace, labels: appLabels(name, CACHE) },
      spec: {
        // From the instance, not the Deployment, so the Service does not wait for the cache's rollout.
        selector: selectorLabels(name, CACHE),
        ports: [{ name: 'valkey', port: CACHE_PORT, targetPort: k8s.IntOrString.fromString('valkey') }],
      },
    }),
  };
}

/**
 * Every value comes from the instance, none from the database: kro applies a resource only once
 * every resource it refers to is ready, and the database is ready only when all its PostgreSQL
 * instances are. Applications get their settings at once and connect when the primary serves.
 */
function connection({ name, namespace, spec }: Refs): GraphResource {
  const cacheHost = 'schema.metadata.name + "-cache." + schema.metadata.namespace + ".svc"';
  return {
    id: 'connection',
    template: manifest(k8s.KubeConfigMap, {
      metadata: { name: `${name}${INFRASTRUCTURE_SUFFIXES.connectionConfigMap}`, namespace, labels: appLabels(name, 'connection') },
      data: {
        // CloudNativePG's read-write Service is `<cluster>-rw`; the cluster is named like the instance.
        DATABASE_HOST: `${name}-rw.${namespace}.svc`,
        DATABASE_PORT: '5432',
        DATABASE_NAME: spec.database,
        // CloudNativePG writes the owner's username, password and URI into this Secret.
        DATABASE_SECRET: `${name}${INFRASTRUCTURE_SUFFIXES.databaseSecret}`,
        CACHE_HOST: expr(`schema.spec.cache ? ${cacheHost} : ""`),
        CACHE_PORT: expr(`schema.spec.cache ? "${CACHE_PORT}" : ""`),
        // omit() drops the key, so an application reading it (optionally) gets no REDIS_URL at all.
        [CACHE_URL_KEY]: expr(`schema.spec.cache ? "redis://" + ${cacheHost} + ":${CACHE_PORT}" : omit()`),
      },
    }),
  };
}
