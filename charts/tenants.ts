import { ApiObject, ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { Kustomization, KustomizationSpecDecryptionProvider } from '../imports/flux-kustomization-kustomize.toolkit.fluxcd.io';
import { ClusterConfig } from '../config/clusters';
import { FLUX } from '../config/flux';
import { PLATFORM, tenantServiceAccount } from '../config/platform';
import { tenantShard } from '../src/flux/shards';
import { Instance, TeamInstances } from '../src/user-space/model';
import { distPath, GIT_SOURCE } from './flux-system';
import { healthCheckExprs } from './health-checks';
import { kustomizationFile, LayerChart, TeamDocument } from './layer-chart';

export interface TenantsChartProps extends ChartProps {
  readonly cluster: ClusterConfig;
  /** Plural resource names of the namespaced abstractions a team may manage. */
  readonly tenantResources: readonly string[];
  /** ClusterRoles the abstractions' instances bind inside a team's namespace. @default none */
  readonly instanceRoles?: readonly k8s.KubeClusterRoleProps[];
}

const { tenantAccessFile, instancesFile, secretsFile } = PLATFORM.dist;

/**
 * The tenant role and the roles the abstractions' instances bind; per team: a ServiceAccount
 * that Flux impersonates, the team's Kustomization (which decrypts the team's SOPS-encrypted
 * Secrets with the cluster's key), its instances and its Secrets. Everything the layer
 * applies is cluster-scoped or in flux-system, so it always applies: Flux applies a
 * Kustomization all or nothing, and nothing of one team can fail it for the others. The
 * RoleBinding that lets the ServiceAccount manage the abstraction kinds in the team's namespace
 * comes with the namespace, from the team's Workspace (see abstractions/workspace). The
 * Kustomizations live in flux-system beside the one GitRepository (cross-namespace references
 * are locked down), and target the team's namespace.
 */
export class TenantsChart extends LayerChart {
  private readonly roles: ApiObject[];

  constructor(scope: Construct, id: string, private readonly props: TenantsChartProps) {
    super(scope, id, props);
    this.roles = [this.addTenantRole(props.tenantResources), ...(props.instanceRoles ?? []).map((role) => new k8s.KubeClusterRole(this, role.metadata!.name!, role))];
  }

  /** The platform's Kustomization applies the roles and each team's access; instances are the teams'. */
  public extraFiles(teams: number): Record<string, string> {
    return kustomizationFile([...this.roles.map((role) => this.outputFile(role)), ...(teams ? [tenantAccessFile] : [])]);
  }

  /** Bound per team by a RoleBinding in the team's namespace, so every right stops at that namespace. */
  private addTenantRole(resources: readonly string[]): ApiObject {
    const verbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
    return new k8s.KubeClusterRole(this, 'tenant-role', {
      metadata: { name: PLATFORM.tenantRole },
      rules: [
        { apiGroups: [PLATFORM.abstractionApiVersion.split('/')[0]], resources: [...resources], verbs },
        // The team's own Secrets, which Flux decrypts and applies as the team.
        { apiGroups: [''], resources: ['secrets'], verbs },
      ],
    });
  }

  /**
   * A team's objects are typed manifests, not constructs: they need nothing cdk8s resolves, and
   * thousands of teams would make tens of thousands of constructs.
   */
  public teamDocuments({ team, instances, secrets }: TeamInstances): TeamDocument[] {
    const serviceAccount = tenantServiceAccount(team);
    return [
      { file: tenantAccessFile, object: k8s.KubeServiceAccount.manifest({ metadata: { name: serviceAccount, namespace: PLATFORM.fluxNamespace } }) },
      { file: tenantAccessFile, object: this.teamKustomization(team, serviceAccount, instances) },
      ...instances.map((instance) => ({ file: `${team}/${instancesFile}`, object: instance, ownedBy: team })),
      ...secrets.map((secret) => ({ file: `${team}/${secretsFile}`, object: secret.document, ownedBy: team })),
    ];
  }

  /** The team's label, and the shard that reconciles its Kustomization (if the cluster has shards). */
  private teamLabels(team: string): Record<string, string> {
    const shard = tenantShard(team, this.props.cluster.flux.tenantShards);
    return { [PLATFORM.tenantLabel]: team, ...(shard && { [FLUX.sharding.key]: shard }) };
  }

  /**
   * No `dependsOn`: a team waits for nothing but its own namespace and RoleBinding. Until its
   * Workspace has made them, the apply is refused (as the impersonated ServiceAccount has no
   * rights yet) and retried every `retryInterval`, for this team alone; a dependency on the
   * workspaces layer would hold every team back while any one Workspace is not ready.
   */
  private teamKustomization(team: string, serviceAccount: string, instances: readonly Instance[]): object {
    const { cluster } = this.props;
    return Kustomization.manifest({
      metadata: { name: `tenant-${team}`, namespace: PLATFORM.fluxNamespace, labels: this.teamLabels(team) },
      spec: {
        // Pushes reconcile it through the Receiver; the interval is the safety net.
        interval: cluster.flux.tenantInterval,
        retryInterval: '1m',
        path: distPath(cluster, 'tenants', team),
        prune: true,
        wait: true,
        // kro instances say they are ready in their own way; these tell Flux how.
        healthCheckExprs: healthCheckExprs(instances),
        timeout: '10m',
        sourceRef: GIT_SOURCE,
        serviceAccountName: serviceAccount,
        targetNamespace: team,
        // Team Secrets are SOPS-encrypted in Git; the cluster's age key (never in Git) decrypts them here.
        decryption: { provider: KustomizationSpecDecryptionProvider.SOPS, secretRef: { name: PLATFORM.sops.keySecret } },
      },
    });
  }
}
