import { Testing } from 'cdk8s';
import { ABSTRACTIONS } from '../../abstractions';
import { AbstractionsChart } from '../../charts/abstractions';
import { ClusterConfig, findCluster, kafkaReplication } from '../../config/clusters';
import { PLATFORM } from '../../config/platform';
import { CHARTS } from '../../config/versions';
import { k8s } from 'cdk8s-plus-30';
import { stringify } from 'yaml';
import { VCLUSTER_DEPLOYER_ROLE, VCLUSTER_SYNCER_RULES, vclusterValues, virtualCluster } from '../../abstractions/virtual-cluster/resources';
import { dependencies } from '../../src/preview/graph';
import { readRgd } from '../../src/preview/rgd';
import { KubeObject, some, testApp } from '../helpers';

const dev = findCluster('dev')!;
const prd = findCluster('prd')!;

interface GraphResource {
  id: string;
  template: KubeObject & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  readyWhen?: string[];
  includeWhen?: string[];
}

function rgds(cluster: ClusterConfig): Map<string, KubeObject> {
  const objects = Testing.synth(new AbstractionsChart(testApp(), 'abstractions', { cluster, abstractions: ABSTRACTIONS })) as KubeObject[];
  return new Map(objects.map((rgd) => [rgd.spec.schema.kind as string, rgd]));
}

function resources(rgd: KubeObject): Map<string, GraphResource> {
  return new Map((rgd.spec.resources as GraphResource[]).map((resource) => [resource.id, resource]));
}

/**
 * The resources with a readiness condition that `id` waits for before kro applies it: those it
 * refers to, directly or through others (dependencies as the preview engine computes them, like kro).
 */
function awaited(rgd: KubeObject, id: string): string[] {
  const read = readRgd('rgd.yaml', stringify(rgd));
  if (!('rgd' in read)) throw new Error('unreadable RGD');
  const nodes = new Map(dependencies(read.rgd).map((node) => [node.id, node]));
  const seen = new Set<string>();
  const visit = (next: string) => {
    for (const dependency of nodes.get(next)!.dependsOn) if (!seen.has(dependency)) (seen.add(dependency), visit(dependency));
  };
  visit(id);
  return [...seen].filter((dependency) => read.rgd.resources.find((resource) => resource.id === dependency)!.readyWhen.length > 0);
}

const DEV = rgds(dev);
const PRD = rgds(prd);

describe.each(ABSTRACTIONS.map((abstraction) => abstraction.kind))('%s', (kind) => {
  it('matches the snapshot on dev', () => expect(DEV.get(kind)).toMatchSnapshot());

  it('declares status fields and readiness columns so `kubectl get` tells whether it works', () => {
    const schema = DEV.get(kind)!.spec.schema;
    expect(Object.keys(schema.status).length).toBeGreaterThan(0);
    expect(schema.additionalPrinterColumns.map((column: { name: string }) => column.name)).toEqual(expect.arrayContaining(['State', 'Ready']));
    expect(schema.apiVersion).toBe(PLATFORM.abstractionApiVersion.split('/')[1]);
  });

  it('writes a SimpleSchema with a description for every field', () => {
    const leaves = (fields: Record<string, unknown>, prefix = ''): [string, unknown][] =>
      Object.entries(fields).flatMap(([name, type]) => (typeof type === 'object' ? leaves(type as Record<string, unknown>, `${prefix}${name}.`) : [[`${prefix}${name}`, type]]));
    for (const [field, type] of some(leaves(DEV.get(kind)!.spec.schema.spec))) expect({ field, type }).toEqual({ field, type: expect.stringMatching(/^(string|integer|boolean|map\[string\]string|\[\]string) \| .*description="[^"]+"$/) });
  });
});

describe('Workspace', () => {
  const workspace = resources(DEV.get('Workspace')!);
  const policies = [...workspace.values()].filter((resource) => resource.template.kind === 'NetworkPolicy').map((resource) => resource.template);
  const policy = (name: string) => policies.find((template) => template.metadata.name === name)!.spec;

  it('is cluster-scoped and makes a restricted namespace labelled for its tenant', () => {
    expect(DEV.get('Workspace')!.spec.schema.scope).toBe('Cluster');
    expect(workspace.get('tenantNamespace')!.template.metadata).toEqual({
      name: '${schema.metadata.name}',
      labels: expect.objectContaining({ [PLATFORM.tenantLabel]: '${schema.metadata.name}', 'pod-security.kubernetes.io/enforce': 'restricted' }),
    });
  });

  it("grants the team's Flux account the tenant role in its namespace, made with the namespace by the platform", () => {
    expect(workspace.get('tenantAccess')!.template).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: PLATFORM.tenantRoleBinding, namespace: '${tenantNamespace.metadata.name}' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: PLATFORM.tenantRole },
      subjects: [{ kind: 'ServiceAccount', name: 'tenant-${schema.metadata.name}', namespace: PLATFORM.fluxNamespace }],
    });
    // kro applies it once the namespace is Active (the namespace's readyWhen), never before.
    expect(awaited(DEV.get('Workspace')!, 'tenantAccess')).toEqual(['tenantNamespace']);
  });

  it('denies all ingress and egress by default and allows traffic within the namespace', () => {
    expect(policy('default-deny')).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(policy('allow-same-namespace')).toMatchObject({ ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] });
  });

  it('lets pods resolve names through kube-dns on port 53 and reach the shared Kafka', () => {
    const dns = policy('allow-dns').egress[0];
    expect(dns.to[0].podSelector).toEqual({ matchLabels: { 'k8s-app': 'kube-dns' } });
    expect(dns.ports).toEqual([
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ]);
    const kafka = policy('allow-kafka').egress[0];
    expect(kafka.to[0].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': PLATFORM.kafka.namespace });
    expect(kafka.ports.map((port: { port: number }) => port.port)).toEqual([9092, 9093]);
  });

  it("gives the team a Kafka user that may only use names under the prefix its Topics are named with", () => {
    const user = workspace.get('kafkaUser')!.template;
    expect(user.metadata).toEqual({ name: '${schema.metadata.name}', namespace: PLATFORM.kafka.namespace, labels: { 'strimzi.io/cluster': PLATFORM.kafka.cluster, [PLATFORM.tenantLabel]: '${schema.metadata.name}' } });
    expect(user.spec.authentication).toEqual({ type: 'scram-sha-512' });
    const acls: { resource: { type: string; name: string; patternType: string }; operations: string[] }[] = user.spec.authorization.acls;
    expect(acls.map((acl) => acl.resource.type)).toEqual(['topic', 'group', 'transactionalId']);
    // Clients read and write; only the Topic abstraction creates, changes or deletes topics.
    expect([...new Set(acls.flatMap((acl) => acl.operations))].sort()).toEqual(['Describe', 'Read', 'Write']);
    for (const { resource } of acls) expect(resource).toEqual({ type: resource.type, name: '${schema.metadata.name}.', patternType: 'prefix' });
    // That the prefix covers a team's own topics and no other team's: test/abstractions/expanded.test.ts.
    // The label Kyverno reads to copy the credentials into the team's namespace.
    expect(user.spec.template.secret.metadata.labels).toEqual({ [PLATFORM.tenantLabel]: '${schema.metadata.name}' });
  });

  it("admits the shared Gateway's Envoy through Cilium's reserved ingress identity", () => {
    const gateway = workspace.get('allowGateway')!.template;
    expect(gateway.apiVersion).toBe('cilium.io/v2');
    expect(gateway.spec).toEqual({ endpointSelector: {}, ingress: [{ fromEntities: ['ingress'] }] });
  });

  it.each([dev, prd])('sizes the quota and container defaults for $name', (cluster: ClusterConfig) => {
    const own = resources((cluster === dev ? DEV : PRD).get('Workspace')!);
    expect(own.get('quota')!.template.spec.hard).toMatchObject({ 'limits.cpu': cluster.tenant.quota.cpu, pods: cluster.tenant.quota.pods });
    expect(own.get('limits')!.template.spec.limits[0].defaultRequest).toEqual(cluster.tenant.containerDefaults.requests);
  });
});

describe('WebApplication', () => {
  const web = resources(DEV.get('WebApplication')!);
  const deployment = web.get('deployment')!.template;
  const pod = deployment.spec.template.spec;

  it('runs pods that meet the restricted Pod Security Standard', () => {
    // A numeric user too: the kubelet refuses runAsNonRoot for an image whose USER is a name.
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, runAsUser: '${schema.spec.runAsUser}', runAsGroup: '${schema.spec.runAsUser}' });
    expect(DEV.get('WebApplication')!.spec.schema.spec.runAsUser).toMatch(/^integer \| default=65532 minimum=1 /);
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('selects its pods by instance, so two applications never share pods', () => {
    expect(deployment.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/instance': '${schema.metadata.name}', 'app.kubernetes.io/component': 'web' });
    expect(web.get('service')!.template.spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });

  it('routes traffic as soon as one pod serves: neither the Service nor the route waits for the rollout', () => {
    // kro v0.9.3 applies a resource only once every resource it refers to is ready
    // (pkg/runtime/node.go resolve: dep.CheckReadiness); the Deployment is ready at full rollout.
    expect(awaited(DEV.get('WebApplication')!, 'route')).toEqual([]);
    expect(awaited(DEV.get('WebApplication')!, 'service')).toEqual([]);
  });

  it('takes image, tag, replicas, port, probes, resources and environment from the instance', () => {
    expect(deployment.spec.replicas).toBe('${has(schema.spec.autoscale) ? omit() : schema.spec.replicas}');
    expect(pod.containers[0]).toMatchObject({
      image: '${schema.spec.image}:${schema.spec.tag}',
      ports: [{ name: 'http', containerPort: '${schema.spec.port}' }],
      readinessProbe: { httpGet: { path: '${schema.spec.healthPath}', port: 'http' } },
      resources: { requests: { cpu: '${schema.spec.cpu}', memory: '${schema.spec.memory}' }, limits: { memory: '${schema.spec.memory}' } },
      envFrom: [{ configMapRef: { name: '${config.metadata.name}' } }],
    });
    expect(web.get('config')!.template.data).toBe('${schema.spec.env}');
  });

  it('bounds replicas and requires image, tag and host', () => {
    const spec = DEV.get('WebApplication')!.spec.schema.spec;
    expect(spec.replicas).toMatch(/^integer \| default=1 minimum=1 maximum=20 /);
    for (const field of ['image', 'tag', 'host']) expect(spec[field]).toContain('required=true');
  });

  it('routes its host through its own HTTPS listener on the shared Gateway to its Service', () => {
    expect(web.get('route')!.template.spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'ListenerSet', name: '${schema.metadata.name}', sectionName: PLATFORM.gateway.httpsListener }],
      hostnames: ['${schema.spec.host}'],
      rules: [{ backendRefs: [{ name: '${service.metadata.name}', port: 80 }] }],
    });
  });
});

describe('Infrastructure', () => {
  it.each([dev, prd])('creates the database and its owner with initdb, with the instances of $name', (cluster: ClusterConfig) => {
    const database = resources((cluster === dev ? DEV : PRD).get('Infrastructure')!).get('database')!.template;
    expect(database.apiVersion).toBe('postgresql.cnpg.io/v1');
    expect(database.spec.instances).toBe(cluster.postgres.instances);
    expect(database.spec.bootstrap).toEqual({ initdb: { database: '${schema.spec.database}', owner: '${schema.spec.database}' } });
  });

  it('commits no credentials and runs no hand-written SQL', () => {
    const text = JSON.stringify(DEV.get('Infrastructure'));
    expect(text).not.toMatch(/password|postInitSQL|CREATE DATABASE/i);
  });

  it('runs the cache as non-root with a selector unique to the instance, only when asked', () => {
    const infrastructure = resources(DEV.get('Infrastructure')!);
    const cache = infrastructure.get('cacheDeployment')!;
    expect(cache.includeWhen).toEqual(['${schema.spec.cache}']);
    expect(cache.template.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/instance': '${schema.metadata.name}', 'app.kubernetes.io/component': 'cache' });
    expect(cache.template.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999 });
    expect(infrastructure.get('cacheService')!.includeWhen).toEqual(['${schema.spec.cache}']);
  });

  it('publishes the connection details in one ConfigMap', () => {
    const data = resources(DEV.get('Infrastructure')!).get('connection')!.template.data;
    expect(Object.keys(data).sort()).toEqual(['CACHE_HOST', 'CACHE_PORT', 'DATABASE_HOST', 'DATABASE_NAME', 'DATABASE_PORT', 'DATABASE_SECRET', 'REDIS_URL']);
    expect(data.DATABASE_SECRET).toBe('${schema.metadata.name}-app');
    // Made from the instance alone, so kro creates it with the database, before any credentials exist.
    expect(JSON.stringify(data)).not.toContain('database.');
    expect(data.DATABASE_HOST).toBe('${schema.metadata.name}-rw.${schema.metadata.namespace}.svc');
  });

  it('publishes the connection at once and serves the cache as soon as it runs, without waiting for every PostgreSQL instance', () => {
    const graph = DEV.get('Infrastructure')!;
    expect(awaited(graph, 'connection')).toEqual([]);
    expect(awaited(graph, 'cacheService')).toEqual([]);
    // The connection names what CloudNativePG makes for the cluster, which is named like the instance.
    expect(resources(graph).get('database')!.template.metadata.name).toBe('${schema.metadata.name}');
  });

  it('validates the database name as a safe identifier', () => {
    expect(DEV.get('Infrastructure')!.spec.schema.spec.database).toContain('pattern="^[a-z][a-z0-9_-]*$" maxLength=63');
  });
});

describe('Topic', () => {
  it.each([dev, prd])("creates the KafkaTopic where Strimzi watches, replicated as $name's brokers allow", (cluster: ClusterConfig) => {
    const topic = resources((cluster === dev ? DEV : PRD).get('Topic')!).get('kafkaTopic')!.template;
    expect(topic.metadata).toEqual({
      name: '${schema.metadata.namespace + "." + schema.metadata.name.substring(size(schema.metadata.namespace) + 1)}',
      namespace: PLATFORM.kafka.namespace,
      labels: { 'strimzi.io/cluster': PLATFORM.kafka.cluster, [PLATFORM.tenantLabel]: '${schema.metadata.namespace}' },
    });
    expect(topic.spec.replicas).toBe(kafkaReplication(cluster).replicas);
    expect(topic.spec.replicas).toBeLessThanOrEqual(cluster.kafka.brokers);
    expect(topic.spec.topicName).toBe(topic.metadata.name);
  });

  it('bounds partitions and retention', () => {
    const spec = DEV.get('Topic')!.spec.schema.spec;
    expect(spec.partitions).toMatch(/default=3 minimum=1 maximum=64/);
    expect(spec.retentionHours).toMatch(/default=168 minimum=1 maximum=8760/);
  });
});

describe('VirtualCluster', () => {
  it.each([dev, prd])('installs a pinned vcluster chart with drift detection, sized for $name', (cluster: ClusterConfig) => {
    const virtual = resources((cluster === dev ? DEV : PRD).get('VirtualCluster')!);
    const release = virtual.get('release')!.template;
    expect(release.apiVersion).toBe('helm.toolkit.fluxcd.io/v2');
    expect(release.metadata.namespace).toBe('${schema.metadata.namespace}');
    expect(release.spec.chart.spec).toMatchObject({ chart: 'vcluster', version: CHARTS.vcluster.version });
    expect(release.spec.driftDetection).toEqual({ mode: 'enabled' });
    expect(release.spec.values.controlPlane.statefulSet.resources).toEqual(cluster.vcluster.controlPlane);
  });

  it("installs as an account bound to the platform's deployer role in the team's namespace only, after that binding exists", () => {
    const virtual = resources(DEV.get('VirtualCluster')!);
    expect(virtual.get('deployerAccess')!.template).toMatchObject({
      kind: 'RoleBinding',
      metadata: { namespace: '${schema.metadata.namespace}' },
      roleRef: { kind: 'ClusterRole', name: VCLUSTER_DEPLOYER_ROLE },
      subjects: [{ kind: 'ServiceAccount', name: '${deployer.metadata.name}', namespace: '${schema.metadata.namespace}' }],
    });
    // kro creates a resource only after those its expressions name: the release names the binding.
    expect(virtual.get('release')!.template.spec.serviceAccountName).toBe('${deployerAccess.subjects[0].name}');
  });

  it('gives the deployer every right of the Role the chart creates, so Kubernetes lets it grant them, and nothing cluster-wide', () => {
    const [role] = virtualCluster.clusterRoles!();
    expect(role.metadata!.name).toBe(VCLUSTER_DEPLOYER_ROLE);
    const deployer = role.rules!;
    const grants = (rules: readonly k8s.PolicyRule[]) => rules.flatMap((rule) => rule.apiGroups!.flatMap((group) => rule.resources!.flatMap((resource) => rule.verbs.map((verb) => `${group}/${resource}:${verb}`))));
    // The write rights the vcluster 0.30.4 chart's Role grants its syncer beyond `admin`.
    expect(grants(VCLUSTER_SYNCER_RULES)).toEqual(expect.arrayContaining(['/endpoints:create', 'discovery.k8s.io/endpointslices:update', '/pods/status:patch', '/pods/ephemeralcontainers:update']));
    expect(grants(deployer)).toEqual(expect.arrayContaining(grants(VCLUSTER_SYNCER_RULES)));
    // Helm creates the chart's namespaced objects and keeps its release records in Secrets.
    expect(grants(deployer)).toEqual(expect.arrayContaining(['/serviceaccounts:create', 'apps/statefulsets:create', 'rbac.authorization.k8s.io/roles:create', 'rbac.authorization.k8s.io/rolebindings:create', '/secrets:create', '/services:create']));
    for (const grant of grants(deployer)) {
      expect(grant).not.toMatch(/\*|clusterroles|clusterrolebindings|namespaces|nodes|:(bind|escalate|impersonate)$/);
    }
  });

  it.each([dev, prd])('runs every pod of the release under `restricted` on $name, and creates no cluster-scoped RBAC', (cluster: ClusterConfig) => {
    const values = vclusterValues(cluster) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(values.rbac).toEqual({ clusterRole: { enabled: false }, enableVolumeSnapshotRules: { enabled: false } });
    // Virtual pods that break `restricted` stay in the virtual cluster; the synced CoreDNS pod gets RuntimeDefault seccomp.
    expect(values.policies.podSecurityStandard).toBe('restricted');
    const restricted = { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };
    expect(values.controlPlane.distro.k8s.securityContext).toMatchObject(restricted);
    expect(values.controlPlane.statefulSet.security.containerSecurityContext).toMatchObject(restricted);
    expect(values.controlPlane.statefulSet.security.containerSecurityContext.runAsUser).toBeGreaterThan(0);
    // The data volume belongs to the non-root control plane.
    expect(values.controlPlane.statefulSet.security.podSecurityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, fsGroup: values.controlPlane.statefulSet.security.containerSecurityContext.runAsGroup });
    expect(values.policies).toMatchObject({ resourceQuota: { enabled: false }, limitRange: { enabled: false } });
    const release = resources((cluster === dev ? DEV : PRD).get('VirtualCluster')!).get('release')!.template;
    expect(release.spec.values).toEqual(values);
  });
});
