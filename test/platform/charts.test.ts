import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { ciliumValues } from '../../charts/cilium-values';
import { FluxSystemChart } from '../../charts/flux-system';
import { HelmReleasesChart } from '../../charts/helm-releases';
import { HelmRepositoriesChart } from '../../charts/helm-repositories';
import { LAYERS } from '../../charts/layers';
import { NamespacesChart } from '../../charts/namespaces';
import { PoliciesChart, tenantKinds as realTenantKinds } from '../../charts/policies';
import { NAMING_CONVENTION } from '../../config/naming';
import { compile, evaluate } from '../../src/preview/expressions';
import { SharedResourcesChart } from '../../charts/shared-resources';
import { CLUSTERS, ClusterConfig, findCluster } from '../../config/clusters';
import { PLATFORM } from '../../config/platform';
import { CHARTS, VERSIONS } from '../../config/versions';
import { renderCluster } from '../../src/synth/render';
import { loadUserSpace } from '../../src/user-space';
import { ROOT } from '../../src/paths';
import { ABSTRACTIONS } from '../../abstractions';
import { AbstractionsChart } from '../../charts/abstractions';
import { TenantsChart } from '../../charts/tenants';
import { WorkspacesChart } from '../../charts/workspaces';
import { KubeObject, some, testApp } from '../helpers';
import { VCLUSTER_DEPLOYER_ROLE, VCLUSTER_DEPLOYER_RULES } from '../../abstractions/virtual-cluster/resources';

const dev = findCluster('dev')!;
const prd = findCluster('prd')!;

/** The chart's manifests; `make` builds it in a fresh app. */
function synth(make: (app: App) => Chart): KubeObject[] {
  return Testing.synth(make(testApp())) as KubeObject[];
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
  const layer = synth((app) => new HelmReleasesChart(app, 'helm-releases', { cluster }));
  const objects = layer.filter((object) => object.kind === 'HelmRelease');

  it('matches the snapshot', () => expect(layer).toMatchSnapshot());

  it('holds the HelmReleases, and the script of the organization sync the Grafana release mounts', () => {
    expect(layer.filter((object) => object.kind !== 'HelmRelease').map((object) => `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`)).toEqual(['ConfigMap monitoring/grafana-org-sync']);
  });

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

  it("runs Kyverno's admission controller with the cluster's replicas, and a disruption budget that keeps all but one when there are several", () => {
    const kyverno = objects.find((object) => object.metadata.name === 'kyverno')!;
    const replicas = cluster.kyverno.admissionReplicas;
    // prd's webhooks survive a pod or a node drain.
    if (cluster.name === 'prd') expect(replicas).toBeGreaterThanOrEqual(3);
    if (replicas > 1) expect(kyverno.spec.values).toEqual({ admissionController: { replicas, podDisruptionBudget: { enabled: true, minAvailable: replicas - 1 } } });
    else expect(kyverno.spec.values).toEqual({ admissionController: { replicas: 1 } });
  });

  it('starts every other operator after Cilium', () => {
    for (const release of objects.filter((object) => object.metadata.name !== 'cilium')) expect(release.spec.dependsOn).toEqual([{ name: 'cilium' }]);
  });

  it("enables kro's omit() feature gate, which the RGDs use (kro rejects an RGD using it otherwise)", () => {
    const rgds = JSON.stringify(synth((app) => new AbstractionsChart(app, 'abstractions', { cluster, abstractions: ABSTRACTIONS })));
    expect(rgds).toContain('omit()');
    const kro = objects.find((object) => object.metadata.name === CHARTS.kro.chart)!;
    expect(kro.spec.values.config.featureGates).toEqual({ CELOmitFunction: true });
  });

  it('serves the resource metrics that CPU autoscalers read, trusting self-signed kubelet certificates only where kubelets have them', () => {
    const metrics = objects.find((object) => object.metadata.name === CHARTS.metricsServer.chart)!;
    expect(metrics.spec.targetNamespace).toBe('kube-system');
    expect(metrics.spec.values.args).toEqual(cluster.kubeletSelfSignedCerts ? ['--kubelet-insecure-tls'] : []);
    expect(dev.kubeletSelfSignedCerts && !prd.kubeletSelfSignedCerts).toBe(true);
  });

  it("lets Envoy bind the node's ports 80 and 443 in the host network, keeping the chart's own capabilities", () => {
    const { capabilities } = (ciliumValues(cluster).envoy as { securityContext: { capabilities: { keepCapNetBindService: boolean; envoy?: string[] } } }).securityContext;
    expect(capabilities.keepCapNetBindService).toBe(cluster.gatewayHostNetwork);
    // The chart's defaults (values.yaml of cilium 1.20.0) and the one Envoy needs for ports below 1024.
    if (cluster.gatewayHostNetwork) expect(capabilities.envoy).toEqual(['NET_ADMIN', 'SYS_ADMIN', 'NET_BIND_SERVICE']);
    else expect(capabilities.envoy).toBeUndefined();
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

  it('owns one Gateway with one plain HTTP listener, admitting routes and ListenerSets from team namespaces only', () => {
    const [gateway] = byKind(objects, 'Gateway');
    const tenants = { from: 'Selector', selector: { matchExpressions: [{ key: PLATFORM.tenantLabel, operator: 'Exists' }] } };
    expect(gateway.spec.gatewayClassName).toBe('cilium');
    // Every HTTPS listener comes in a team's ListenerSet: the Gateway's own 64-listener limit never binds.
    expect(gateway.spec.listeners.map((listener: { name: string; port: number; protocol: string }) => [listener.name, listener.port, listener.protocol])).toEqual([['http', 80, 'HTTP']]);
    expect(gateway.spec.listeners[0].allowedRoutes.namespaces).toEqual(tenants);
    expect(gateway.spec.allowedListeners.namespaces).toEqual(tenants);
  });

  it('runs a Cilium that implements ListenerSet (1.20 or later), on which every HTTPS listener depends', () => {
    const [major, minor] = CHARTS.cilium.version.split('.').map(Number);
    expect(major > 1 || (major === 1 && minor >= 20)).toBe(true);
  });

  it("issues certificates from the cluster's certificate authority under one ClusterIssuer name", () => {
    const issuers = byKind(objects, 'ClusterIssuer');
    const issuer = issuers.find((object) => object.metadata.name === PLATFORM.certificates.issuer)!;
    if (cluster.certificates.kind === 'local-ca') {
      // A self-signed root, kept in cert-manager's namespace, signs every host's certificate.
      const root = issuers.find((object) => object.metadata.name === PLATFORM.certificates.rootIssuer)!;
      expect(root.spec).toEqual({ selfSigned: {} });
      const [ca] = byKind(objects, 'Certificate');
      expect(ca.metadata).toEqual({ name: PLATFORM.certificates.caSecret, namespace: PLATFORM.certificates.namespace });
      expect(ca.spec).toMatchObject({ isCA: true, secretName: PLATFORM.certificates.caSecret, issuerRef: { kind: 'ClusterIssuer', name: PLATFORM.certificates.rootIssuer } });
      expect(issuer.spec).toEqual({ ca: { secretName: PLATFORM.certificates.caSecret } });
    } else {
      expect(issuers).toHaveLength(1);
      expect(issuer.spec.acme).toMatchObject({ server: cluster.certificates.server, email: cluster.certificates.email });
      const [solver] = issuer.spec.acme.solvers;
      expect(solver.http01.gatewayHTTPRoute.parentRefs).toEqual([{ name: PLATFORM.gateway.name, namespace: PLATFORM.gateway.namespace, kind: 'Gateway', sectionName: 'http' }]);
      // The solver pod runs in a team namespace, which admits only restricted pods.
      expect(solver.http01.gatewayHTTPRoute.podTemplate.spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    }
  });
});

describe.each([dev, prd])('cert-manager on $name', (cluster: ClusterConfig) => {
  it('runs the pinned chart with its CRDs and the Gateway API support the HTTP-01 solver needs, in a restricted namespace', () => {
    const release = synth((app) => new HelmReleasesChart(app, 'helm-releases', { cluster })).find((object) => object.metadata.name === 'cert-manager')!;
    expect(release.spec.chart.spec).toMatchObject({ chart: 'cert-manager', version: CHARTS.certManager.version });
    expect(release.spec.targetNamespace).toBe(PLATFORM.certificates.namespace);
    expect(release.spec.values).toEqual({
      crds: { enabled: true, keep: true },
      config: { apiVersion: 'controller.config.cert-manager.io/v1alpha1', kind: 'ControllerConfiguration', gatewayAPI: { enabled: true } },
    });
    const namespaces = synth((app) => new NamespacesChart(app, 'namespaces'));
    expect(namespaces.find((object) => object.metadata.name === PLATFORM.certificates.namespace)!.metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});

describe('policies', () => {
  const tenantKinds = { group: 'kro.run', version: 'v1alpha1', resources: ['webapplications', 'topics'] };
  const objects = synth((app) => new PoliciesChart(app, 'policies', { tenantKinds }));
  const policy = (name: string) => objects.find((object) => object.metadata.name === name)!;
  const tenantLabelled = { matchExpressions: [{ key: PLATFORM.tenantLabel, operator: 'Exists' }] };
  /** Evaluates a policy's CEL as Kyverno would, with real CEL. */
  const cel = (source: string, bindings: Record<string, unknown>) => evaluate(compile(source), bindings);

  it('matches the snapshot', () => expect(objects).toMatchSnapshot());

  it('uses the CEL-based policies of policies.kyverno.io/v1 only, not the deprecated ClusterPolicy', () => {
    expect(objects.filter((object) => object.kind !== 'ClusterRole').map((object) => `${object.apiVersion} ${object.kind} ${object.metadata.name}`)).toEqual([
      'policies.kyverno.io/v1 ValidatingPolicy workspace-naming',
      'policies.kyverno.io/v1 ValidatingPolicy tenant-namespace-restricted',
      'policies.kyverno.io/v1 GeneratingPolicy tenant-kafka-credentials',
    ]);
  });

  it('enforces the naming convention on the abstractions in every team namespace, failing open', () => {
    const { spec } = policy('workspace-naming');
    expect(spec.matchConstraints).toEqual({
      resourceRules: [{ apiGroups: ['kro.run'], apiVersions: ['v1alpha1'], operations: ['CREATE', 'UPDATE'], resources: ['webapplications', 'topics'] }],
      namespaceSelector: tenantLabelled,
    });
    expect(spec).toMatchObject({ failurePolicy: 'Ignore', validationActions: ['Deny'], evaluation: { background: { enabled: true } } });
    const [validation] = spec.validations;
    for (const [namespace, name] of [['team-a', 'team-a-web'], ['team-a', 'team-a-'], ['team-a', 'team-b-web'], ['team-a', 'team-a'], ['team-a', 'web'], ['team', 'team-a-web']]) {
      const object = { metadata: { namespace, name } };
      expect({ name, allowed: cel(validation.expression, { object }) }).toEqual({ name, allowed: { value: NAMING_CONVENTION.matches(namespace, name) } });
    }
    expect(cel(validation.messageExpression, { object: { metadata: { namespace: 'team-a', name: 'web' } } })).toEqual({ value: NAMING_CONVENTION.describe('team-a') });
  });

  it('keeps every team namespace restricted, failing closed, and holds up only namespaces that carry the tenant label', () => {
    const { spec } = policy('tenant-namespace-restricted');
    expect(spec.matchConstraints).toEqual({ resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['namespaces'] }], objectSelector: tenantLabelled });
    expect(spec).toMatchObject({ failurePolicy: 'Fail', validationActions: ['Deny'] });
    const allowed = (labels?: Record<string, string>) => cel(spec.validations[0].expression, { object: { metadata: labels ? { name: 'team-a', labels } : { name: 'team-a' } } });
    expect(allowed({ [PLATFORM.tenantLabel]: 'team-a', 'pod-security.kubernetes.io/enforce': 'restricted' })).toEqual({ value: true });
    expect(allowed({ [PLATFORM.tenantLabel]: 'team-a', 'pod-security.kubernetes.io/enforce': 'baseline' })).toEqual({ value: false });
    expect(allowed({ [PLATFORM.tenantLabel]: 'team-a' })).toEqual({ value: false });
    expect(allowed()).toEqual({ value: false });
  });

  it("copies each team's Kafka credentials from the Kafka namespace into the namespace its tenant label names, and keeps them in sync", () => {
    const { spec } = policy('tenant-kafka-credentials');
    expect(spec.matchConstraints).toEqual({
      resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['secrets'] }],
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': PLATFORM.kafka.namespace } },
      objectSelector: tenantLabelled,
    });
    // A rotated password follows, and Secrets that existed before the policy are copied too.
    expect(spec.evaluation).toEqual({ generateExisting: { enabled: true }, synchronize: { enabled: true } });
    expect(spec.generate).toEqual([{ expression: 'generator.apply(variables.team, [variables.copy])' }]);
    // What Strimzi writes for the team's KafkaUser, and what the variables make of it.
    const object = { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'team-a', namespace: PLATFORM.kafka.namespace, labels: { [PLATFORM.tenantLabel]: 'team-a' } }, data: { password: 'cw==', 'sasl.jaas.config': 'amFhcw==' } };
    const variables: Record<string, unknown> = {};
    for (const variable of spec.variables as { name: string; expression: string }[]) {
      const result = cel(variable.expression, { object, variables });
      expect(result).toHaveProperty('value');
      variables[variable.name] = (result as { value: unknown }).value;
    }
    expect(variables).toEqual({
      team: 'team-a',
      copy: { apiVersion: 'v1', kind: 'Secret', metadata: { name: PLATFORM.kafka.credentialsSecret, namespace: 'team-a' }, type: 'Opaque', data: object.data },
    });
  });

  it('lets only the background controller handle Secrets, and the reports controller read the abstractions, through roles the chart aggregates', () => {
    const roles = byKind(objects, 'ClusterRole') as (KubeObject & { rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] })[];
    const aggregatedInto = (label: string) => roles.filter((role) => role.metadata.labels?.[label] === 'true').flatMap((role) => role.rules);
    expect(roles.flatMap((role) => Object.keys(role.metadata.labels ?? {})).sort()).toEqual(['rbac.kyverno.io/aggregate-to-background-controller', 'rbac.kyverno.io/aggregate-to-reports-controller']);
    expect(aggregatedInto('rbac.kyverno.io/aggregate-to-background-controller')).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] }]);
    expect(aggregatedInto('rbac.kyverno.io/aggregate-to-reports-controller')).toEqual([{ apiGroups: ['kro.run'], resources: ['webapplications', 'topics'], verbs: ['get', 'list', 'watch'] }]);
  });

  it('covers every namespaced abstraction, and no cluster-scoped one, when synth builds it', () => {
    expect(realTenantKinds(ABSTRACTIONS)).toEqual({ group: 'kro.run', version: 'v1alpha1', resources: ['webapplications', 'infrastructures', 'topics', 'virtualclusters'] });
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
    expect(dependsOn('tenants')).toContain('abstractions');
    // One team's Workspace that is not ready must not hold back every team's Kustomization.
    expect(dependsOn('tenants')).not.toContain('workspaces');
  });
});

describe('the Flux install', () => {
  it.each(CLUSTERS.map((cluster) => cluster.name))('locks multi-tenancy down on %s', (name) => {
    const { files } = renderCluster(findCluster(name)!, []);
    const kustomization = parse(files.get(`${name}/bootstrap/flux/kustomization.yaml`)!);
    expect(kustomization.resources[0]).toBe('gotk-components.yaml');
    // What each controller's Deployment gets once kustomize applies the patches (target names are anchored regular expressions).
    const argsOf = (controller: string) =>
      kustomization.patches
        .filter((patch: { target: { kind: string; name: string } }) => patch.target.kind === 'Deployment' && new RegExp(`^(?:${patch.target.name})$`).test(controller))
        .flatMap((patch: { patch: string }) => parse(patch.patch).map((operation: { op: string; path: string; value: string }) => ({ ...operation })));
    const added = (value: string) => ({ op: 'add', path: '/spec/template/spec/containers/0/args/-', value });
    // The main controller leaves the tenants' shards (test/platform/sharding.test.ts) their Kustomizations.
    expect(argsOf('kustomize-controller')).toEqual([added('--no-cross-namespace-refs=true'), added('--default-service-account=default'), added('--no-remote-bases=true'), added('--watch-label-selector=!sharding.fluxcd.io/key')]);
    expect(argsOf('helm-controller')).toEqual([added('--no-cross-namespace-refs=true'), added('--default-service-account=default')]);
    expect(argsOf('notification-controller')).toEqual([added('--no-cross-namespace-refs=true')]);
    expect(argsOf('source-controller')).toEqual([]);
    expect(argsOf('kustomize-controller-extra')).toEqual([]);
  });

  it('keeps the lockdown across a Flux upgrade: bootstrap regenerates the pinned release and applies it through the patches', () => {
    const script = fs.readFileSync(path.join(ROOT, 'cluster', 'bootstrap.sh'), 'utf8');
    const installFlux = script.slice(script.indexOf('install_flux() {'), script.indexOf('\n}\n', script.indexOf('install_flux() {')));
    expect(installFlux).toContain('flux install --version="v$FLUX_VERSION" --export >"$work/gotk-components.yaml"');
    expect(installFlux).toContain('cp -R "$BOOTSTRAP_DIR/flux/." "$work/"');
    expect(installFlux).toMatch(/kubectl --context "\$CONTEXT" apply --server-side --force-conflicts -k "\$work"/);
    // Each shard's folder builds from its own copy: kustomize refuses ../gotk-components.yaml.
    expect(installFlux).toContain('for shard in "$work"/shard*/; do');
    expect(installFlux).toContain('cp "$work/gotk-components.yaml" "$shard"');
  });

  it("creates the Receiver's token Secret at bootstrap, before Flux applies the Receiver, and keeps an existing one", () => {
    const script = fs.readFileSync(path.join(ROOT, 'cluster', 'bootstrap.sh'), 'utf8');
    const main = script.slice(script.indexOf('main() {'));
    expect(main.indexOf('create_receiver_token')).toBeGreaterThan(main.indexOf('install_flux'));
    expect(main.indexOf('create_receiver_token')).toBeLessThan(main.indexOf('sync_from_git'));
    const create = script.slice(script.indexOf('create_receiver_token() {'), script.indexOf('\n}\n', script.indexOf('create_receiver_token() {')));
    expect(create).toMatch(/get secret "\$RECEIVER_TOKEN_SECRET" >\/dev\/null 2>&1; then[^]*return/);
    expect(create).toContain('create secret generic "$RECEIVER_TOKEN_SECRET" --from-literal=token="$token"');
  });
});

/**
 * Teams this test owns: the live user-space/ changes with every team's pull request, and is
 * covered by the test that a fresh synth equals the committed dist/.
 */
const FIXTURE_TEAMS = path.join(__dirname, 'fixtures', 'user-space');

describe.each([dev, prd])('workspaces and tenants of the fixture teams on $name', (cluster: ClusterConfig) => {
  const teams = loadUserSpace({ root: ROOT, userSpaceDir: FIXTURE_TEAMS }).teamsFor(cluster.name);

  it('has the fixture teams', () => expect(teams.map(({ team }) => team)).toEqual(['team-p', 'team-q']));

  const resources = ABSTRACTIONS.filter((abstraction) => abstraction.scope === 'Namespaced').map((abstraction) => abstraction.plural);
  const workspacesChart = new WorkspacesChart(testApp(), 'workspaces');
  const workspaces = teams.flatMap((team) => workspacesChart.teamDocuments(team)).map(({ object }) => object as KubeObject);
  const tenantsChart = new TenantsChart(testApp(), 'tenants', { cluster, tenantResources: resources });
  const tenantDocuments = teams.flatMap((team) => tenantsChart.teamDocuments(team));
  // What the layer writes: its constructs and the teams' documents.
  const tenants = [...Testing.synth(tenantsChart), ...tenantDocuments.map(({ object }) => object)] as KubeObject[];

  it('match the snapshots', () => {
    expect(workspaces).toMatchSnapshot();
    expect(tenantDocuments).toMatchSnapshot();
  });

  it("writes each team's instances, as validated, and its Secrets, as committed, alone into the folder its Kustomization reads", () => {
    for (const { team, instances, secrets } of some(teams)) {
      const kustomization = tenants.find((object) => object.kind === 'Kustomization' && object.metadata.name === `tenant-${team}`)!;
      const folder = kustomization.spec.path.replace(`./dist/${cluster.name}/tenants/`, '');
      const inFolder = (file: string) => tenantDocuments.filter((document) => document.file === `${folder}/${file}`).map(({ object }) => object);
      expect(inFolder(PLATFORM.dist.instancesFile)).toEqual(instances);
      expect(inFolder(PLATFORM.dist.secretsFile)).toEqual(secrets.map((secret) => secret.document));
      expect(tenantDocuments.filter(({ file }) => path.posix.dirname(file) === folder)).toHaveLength(instances.length + secrets.length);
    }
    expect(teams.find((team) => team.team === 'team-q')!.secrets.map((secret) => secret.name)).toEqual(['team-q-keys']);
  });

  it("decrypts each team's SOPS-encrypted Secrets with the cluster's age key, which is not in Git", () => {
    for (const { team } of teams) {
      const kustomization = tenants.find((object) => object.kind === 'Kustomization' && object.metadata.name === `tenant-${team}`)!;
      expect(kustomization.spec.decryption).toEqual({ provider: 'sops', secretRef: { name: PLATFORM.sops.keySecret } });
    }
    const { files } = renderCluster(cluster, teams);
    expect(files.get(`${cluster.name}/bootstrap/versions.env`)).toContain(`SOPS_AGE_RECIPIENT=${cluster.sops.ageRecipient}\n`);
    expect([...files.values()].join('\n')).not.toMatch(/AGE-SECRET-KEY-/);
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
        prune: true,
        wait: true,
      });
      // It waits for no other Kustomization: a dependency shared by all teams is one that any team can block.
      expect(kustomization.spec.dependsOn).toBeUndefined();
    }
  });

  it("applies, before any team's instances, the role a VirtualCluster's deployer is bound to", () => {
    const { files } = renderCluster(cluster, teams);
    const file = `${cluster.name}/tenants/clusterrole-${VCLUSTER_DEPLOYER_ROLE}.yaml`;
    expect(parse(files.get(file)!)).toMatchObject({ kind: 'ClusterRole', metadata: { name: VCLUSTER_DEPLOYER_ROLE }, rules: VCLUSTER_DEPLOYER_RULES });
    expect(parse(files.get(`${cluster.name}/tenants/kustomization.yaml`)!).resources).toContain(path.posix.basename(file));
  });

  it('applies only cluster-scoped objects and objects in flux-system, so no team can make the layer fail for the others', () => {
    // The layer's own files: its constructs and the shared file of every team's access; each
    // team's instances are in the team's folder, applied by the team's Kustomization.
    const applied = [...Testing.synth(tenantsChart), ...tenantDocuments.filter(({ file }) => file === PLATFORM.dist.tenantAccessFile).map(({ object }) => object)] as KubeObject[];
    expect(applied.filter((object) => object.metadata.namespace !== undefined && object.metadata.namespace !== PLATFORM.fluxNamespace)).toEqual([]);
    expect([...new Set(applied.map((object) => object.kind))].sort()).toEqual(['ClusterRole', 'Kustomization', 'ServiceAccount']);
  });

  it('lets a team manage only the abstraction kinds and Secrets, and nothing on RoleBindings', () => {
    expect(tenants.filter((object) => object.kind === 'ClusterRoleBinding')).toEqual([]);
    const [role] = tenants.filter((object) => object.kind === 'ClusterRole');
    const verbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
    expect(role.rules).toEqual([{ apiGroups: ['kro.run'], resources, verbs }, { apiGroups: [''], resources: ['secrets'], verbs }]);
    expect(JSON.stringify(role.rules)).not.toMatch(/rolebindings|rbac|\*/);
  });
});
