import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { ciliumValues } from '../../charts/cilium-values';
import { FluxSystemChart } from '../../charts/flux-system';
import { HelmReleasesChart } from '../../charts/helm-releases';
import { HelmRepositoriesChart } from '../../charts/helm-repositories';
import { LAYERS } from '../../charts/layers';
import { NamespacesChart } from '../../charts/namespaces';
import { PoliciesChart } from '../../charts/policies';
import { SharedResourcesChart } from '../../charts/shared-resources';
import { CLUSTERS, ClusterConfig, findCluster } from '../../config/clusters';
import { PLATFORM } from '../../config/platform';
import { CHARTS, VERSIONS } from '../../config/versions';
import { renderCluster } from '../../src/synth/render';
import { loadUserSpace } from '../../src/user-space';
import { ROOT } from '../../src/paths';
import { ABSTRACTIONS } from '../../abstractions';
import { TenantsChart } from '../../charts/tenants';
import { WorkspacesChart } from '../../charts/workspaces';
import { KubeObject, some } from '../helpers';

const dev = findCluster('dev')!;
const prd = findCluster('prd')!;

/** The chart's manifests; `make` builds it in a fresh app. */
function synth(make: (app: App) => Chart): KubeObject[] {
  return Testing.synth(make(Testing.app())) as KubeObject[];
}

const byKind = (objects: KubeObject[], kind: string) => objects.filter((object) => object.kind === kind);

describe('namespaces', () => {
  const objects = synth((app) => new NamespacesChart(app, 'namespaces'));

  it('matches the snapshot', () => expect(objects).toMatchSnapshot());

  it('labels every platform namespace with a pod security level, restricted where only platform workloads run', () => {
    for (const namespace of some(objects)) expect(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce']).toMatch(/^(restricted|baseline)$/);
    const kafka = objects.find((namespace) => namespace.metadata.name === PLATFORM.kafka.namespace)!;
    expect(kafka.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});

describe('helm-repositories', () => {
  const objects = synth((app) => new HelmRepositoriesChart(app, 'helm-repositories', { interval: '1h' }));

  it('matches the snapshot', () => expect(objects).toMatchSnapshot());

  it('serves OCI charts from an OCIRepository pinned to the chart version', () => {
    const kro = objects.find((object) => object.metadata.name === 'kro')!;
    expect(kro.kind).toBe('OCIRepository');
    expect(kro.spec).toMatchObject({ url: CHARTS.kro.repository, ref: { tag: CHARTS.kro.version } });
    expect(objects.find((object) => object.metadata.name === 'cilium')!.kind).toBe('HelmRepository');
  });
});

describe.each([dev, prd])('helm-releases on $name', (cluster: ClusterConfig) => {
  const objects = synth((app) => new HelmReleasesChart(app, 'helm-releases', { cluster }));

  it('matches the snapshot', () => expect(objects).toMatchSnapshot());

  it('installs Cilium as CNI, kube-proxy replacement and Gateway API implementation', () => {
    const cilium = objects.find((object) => object.metadata.name === 'cilium')!;
    expect(cilium.spec.values).toMatchObject({ kubeProxyReplacement: true, gatewayAPI: { enabled: true }, k8sServiceHost: cluster.kubernetesApi.host });
    expect(cilium.spec).toMatchObject({ targetNamespace: 'kube-system', storageNamespace: 'kube-system', releaseName: 'cilium' });
  });

  it('gives every release drift detection, CRD upgrades, the controller account and its own storage namespace', () => {
    for (const release of some(objects)) {
      expect(release.spec).toMatchObject({ driftDetection: { mode: 'enabled' }, serviceAccountName: 'helm-controller', install: { crds: 'CreateReplace' }, upgrade: { crds: 'CreateReplace' } });
      expect(release.spec.storageNamespace).toBe(release.spec.targetNamespace);
    }
  });

  it('starts every other operator after Cilium', () => {
    for (const release of objects.filter((object) => object.metadata.name !== 'cilium')) expect(release.spec.dependsOn).toEqual([{ name: 'cilium' }]);
  });

  it('uses the values that bootstrap installs Cilium with', () => {
    const { files } = renderCluster(cluster, []);
    expect(parse(files.get(`${cluster.name}/bootstrap/cilium-values.yaml`)!)).toEqual(ciliumValues(cluster));
    const env = files.get(`${cluster.name}/bootstrap/versions.env`)!;
    expect(env).toContain(`CILIUM_VERSION=${CHARTS.cilium.version}\n`);
    expect(env).toContain(`FLUX_VERSION=${VERSIONS.flux}\n`);
  });
});

describe.each([dev, prd])('shared-resources on $name', (cluster: ClusterConfig) => {
  const objects = synth((app) => new SharedResourcesChart(app, 'shared-resources', { cluster }));
  const kafka = byKind(objects, 'Kafka')[0];
  const pool = byKind(objects, 'KafkaNodePool')[0];

  it('matches the snapshot', () => expect(objects).toMatchSnapshot());

  it('admits only authenticated clients, each limited by its ACLs', () => {
    expect(kafka.spec.kafka.listeners.map((listener: { authentication?: { type: string } }) => listener.authentication)).toEqual([{ type: 'scram-sha-512' }, { type: 'scram-sha-512' }]);
    expect(kafka.spec.kafka.authorization).toEqual({ type: 'simple' });
  });

  it('runs Kafka 4.3 in KRaft mode with a node pool of the configured brokers and no ZooKeeper', () => {
    expect(kafka.apiVersion).toBe('kafka.strimzi.io/v1');
    expect(kafka.spec.kafka.version).toMatch(/^4\.3\./);
    expect(kafka.spec.zookeeper).toBeUndefined();
    expect(pool.spec.replicas).toBe(cluster.kafka.brokers);
    expect(pool.spec.roles).toEqual(['controller', 'broker']);
    expect(pool.metadata.labels?.['strimzi.io/cluster']).toBe(kafka.metadata.name);
  });

  it('asks for no more replicas than there are brokers', () => {
    const config = kafka.spec.kafka.config;
    for (const key of ['offsets.topic.replication.factor', 'transaction.state.log.replication.factor', 'default.replication.factor']) {
      expect(config[key]).toBeLessThanOrEqual(cluster.kafka.brokers);
      expect(config[key]).toBe(Math.min(3, cluster.kafka.brokers));
    }
    expect(config['min.insync.replicas']).toBeLessThanOrEqual(config['default.replication.factor']);
    expect(kafka.spec.entityOperator).toEqual({ topicOperator: {}, userOperator: {} });
  });

  it('owns one Gateway that admits routes from team namespaces only', () => {
    const [gateway] = byKind(objects, 'Gateway');
    expect(gateway.spec.gatewayClassName).toBe('cilium');
    expect(gateway.spec.listeners[0].allowedRoutes.namespaces).toEqual({ from: 'Selector', selector: { matchExpressions: [{ key: PLATFORM.tenantLabel, operator: 'Exists' }] } });
  });
});

describe('policies', () => {
  const kinds = ['kro.run/v1alpha1/WebApplication', 'kro.run/v1alpha1/Topic'];
  const objects = synth((app) => new PoliciesChart(app, 'policies', { workloadKinds: kinds }));

  it('matches the snapshot', () => expect(objects).toMatchSnapshot());

  it('enforces the naming convention with one policy for every team namespace, selected by label', () => {
    const naming = objects.find((object) => object.metadata.name === 'workspace-naming')!;
    const [rule] = naming.spec.rules;
    expect(rule.match.any[0].resources).toEqual({ kinds, namespaceSelector: { matchExpressions: [{ key: PLATFORM.tenantLabel, operator: 'Exists' }] } });
    expect(rule.validate).toMatchObject({ failureAction: 'Enforce', pattern: { metadata: { name: '{{request.namespace}}-?*' } } });
  });

  it("copies each team's Kafka credentials from the Kafka namespace into the namespace its tenant label names, and keeps them in sync", () => {
    const [rule] = objects.find((object) => object.metadata.name === 'tenant-kafka-credentials')!.spec.rules;
    expect(rule.match.any[0].resources).toEqual({ kinds: ['Secret'], namespaces: [PLATFORM.kafka.namespace], selector: { matchExpressions: [{ key: PLATFORM.tenantLabel, operator: 'Exists' }] } });
    const { generate } = rule;
    expect(generate).toMatchObject({ apiVersion: 'v1', kind: 'Secret', name: PLATFORM.kafka.credentialsSecret });
    // From the Secret that triggered the rule, into the namespace its tenant label names.
    expect(generate.clone).toEqual({ namespace: PLATFORM.kafka.namespace, name: '{{request.object.metadata.name}}' });
    expect(generate.namespace).toBe(`{{request.object.metadata.labels."${PLATFORM.tenantLabel}"}}`);
    // A rotated password follows, and Secrets that existed before the policy are copied too.
    expect(generate).toMatchObject({ synchronize: true, generateExisting: true });
  });

  it('lets Kyverno handle Secrets through roles its chart aggregates, and nothing else through them', () => {
    const roles = byKind(objects, 'ClusterRole') as (KubeObject & { rules: { resources: string[]; verbs: string[] }[] })[];
    const aggregatedInto = (role: KubeObject) => Object.keys(role.metadata.labels ?? {});
    expect(roles.flatMap(aggregatedInto).sort()).toEqual(['rbac.kyverno.io/aggregate-to-admission-controller', 'rbac.kyverno.io/aggregate-to-background-controller']);
    for (const role of roles) expect(role.rules.map((rule) => rule.resources)).toEqual([['secrets']]);
    const admission = roles.find((role) => aggregatedInto(role).includes('rbac.kyverno.io/aggregate-to-admission-controller'))!;
    expect(admission.rules[0].verbs).toEqual(['get', 'list', 'watch']);
  });
});

describe.each([dev, prd])('flux-system on $name', (cluster: ClusterConfig) => {
  const objects = synth((app) => new FluxSystemChart(app, 'flux-system', { cluster }));
  const kustomizations = byKind(objects, 'Kustomization');

  it('matches the snapshot', () => expect(objects).toMatchSnapshot());

  it("follows the cluster's branch of this repository", () => {
    const [git] = byKind(objects, 'GitRepository');
    expect(git.spec).toMatchObject({ url: cluster.gitUrl, ref: { branch: cluster.gitBranch } });
  });

  it("has one Kustomization per layer, reading that layer's folder, pruning, with a timeout", () => {
    expect(kustomizations.map((object) => object.metadata.name)).toEqual(LAYERS.map((layer) => layer.name));
    for (const layer of LAYERS) {
      const kustomization = kustomizations.find((object) => object.metadata.name === layer.name)!;
      expect(kustomization.spec).toMatchObject({ path: `./dist/${cluster.name}/${layer.name}`, prune: true, wait: layer.wait, timeout: layer.timeout, serviceAccountName: 'kustomize-controller' });
    }
  });

  it('applies operators before what needs their CRDs, and abstractions before tenants', () => {
    const dependsOn = (name: string) => kustomizations.find((object) => object.metadata.name === name)!.spec.dependsOn?.map((dependency: { name: string }) => dependency.name) ?? [];
    expect(dependsOn('shared-resources')).toContain('helm-releases');
    expect(dependsOn('abstractions')).toContain('helm-releases');
    expect(dependsOn('workspaces')).toContain('abstractions');
    expect(dependsOn('tenants')).toContain('workspaces');
  });
});

describe('the Flux install', () => {
  it.each(CLUSTERS.map((cluster) => cluster.name))('locks multi-tenancy down on %s', (name) => {
    const { files } = renderCluster(findCluster(name)!, []);
    const kustomization = parse(files.get(`${name}/bootstrap/flux/kustomization.yaml`)!);
    const patches = kustomization.patches.map((patch: { patch: string; target: { name: string } }) => ({ target: patch.target.name, value: parse(patch.patch)[0].value }));
    expect(patches).toContainEqual({ target: expect.stringContaining('kustomize-controller|helm-controller'), value: '--no-cross-namespace-refs=true' });
    expect(patches).toContainEqual({ target: '(kustomize-controller|helm-controller)', value: '--default-service-account=default' });
  });
});

describe.each([dev, prd])('workspaces and tenants of the example teams on $name', (cluster: ClusterConfig) => {
  const teams = loadUserSpace({ root: ROOT }).teamsFor(cluster.name);
  const resources = ABSTRACTIONS.filter((abstraction) => abstraction.scope === 'Namespaced').map((abstraction) => abstraction.plural);
  const workspaces = new WorkspacesChart(Testing.app(), 'workspaces', { teams }).documents.map(({ object }) => object as KubeObject);
  const tenantsChart = new TenantsChart(Testing.app(), 'tenants', { cluster, teams, tenantResources: resources });
  // What the layer writes: its constructs and the teams' documents.
  const tenants = [...Testing.synth(tenantsChart), ...tenantsChart.documents.map(({ object }) => object)] as KubeObject[];

  it('match the snapshots', () => {
    expect(workspaces).toMatchSnapshot();
    expect(tenantsChart.documents).toMatchSnapshot();
  });

  it("writes each team's instances, as validated, alone into the folder its Kustomization reads", () => {
    for (const { team, instances } of some(teams)) {
      const kustomization = tenants.find((object) => object.kind === 'Kustomization' && object.metadata.name === `tenant-${team}`)!;
      const folder = kustomization.spec.path.replace(`./dist/${cluster.name}/tenants/`, '');
      expect(tenantsChart.documents.filter(({ file }) => path.posix.dirname(file) === folder).map(({ object }) => object)).toEqual(instances);
    }
  });

  it('applies one Workspace per team, cluster-scoped', () => {
    expect(workspaces.map((workspace) => [workspace.kind, workspace.metadata.name, workspace.metadata.namespace])).toEqual(teams.map(({ team }) => ['Workspace', team, undefined]));
  });

  it("gives each team a Kustomization in flux-system that impersonates the team's own account and targets its namespace", () => {
    for (const { team } of some(teams)) {
      const kustomization = tenants.find((object) => object.kind === 'Kustomization' && object.metadata.name === `tenant-${team}`)!;
      expect(kustomization.metadata.namespace).toBe(PLATFORM.fluxNamespace);
      expect(kustomization.spec).toMatchObject({
        serviceAccountName: `tenant-${team}`,
        targetNamespace: team,
        path: `./dist/${cluster.name}/tenants/${team}`,
        sourceRef: { kind: 'GitRepository', name: 'flux-system' },
        dependsOn: [{ name: 'workspaces' }],
        prune: true,
      });
    }
  });

  it('lets a team manage only the abstraction kinds, only in its own namespace', () => {
    expect(tenants.filter((object) => object.kind === 'ClusterRoleBinding')).toEqual([]);
    const [role] = tenants.filter((object) => object.kind === 'ClusterRole');
    expect(role.rules).toEqual([{ apiGroups: ['kro.run'], resources, verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] }]);
    for (const { team } of some(teams)) {
      const binding = tenants.find((object) => object.kind === 'RoleBinding' && object.metadata.namespace === team)!;
      expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: PLATFORM.tenantRole });
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: `tenant-${team}`, namespace: PLATFORM.fluxNamespace }]);
    }
  });
});
