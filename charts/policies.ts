import { ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { LayerChart } from './layer-chart';
import { ClusterPolicy, ClusterPolicySpecRulesValidateFailureAction } from '../imports/kyverno-clusterpolicy-kyverno.io';
import { NAMING_CONVENTION } from '../config/naming';
import { PLATFORM } from '../config/platform';

export interface PoliciesChartProps extends ChartProps {
  /** `group/version/Kind` of the namespaced abstractions whose names follow the convention. */
  readonly workloadKinds: readonly string[];
}

/**
 * Cluster-wide Kyverno policies. Each applies to every team namespace through the tenant label,
 * so adding a team adds no policy.
 */
export class PoliciesChart extends LayerChart {
  constructor(scope: Construct, id: string, props: PoliciesChartProps) {
    super(scope, id, props);
    this.addNamingConvention(props.workloadKinds);
    this.addTenantNamespaceGuard();
    this.addKafkaCredentialsCopy();
  }

  /** Selects what carries the tenant label: team namespaces, and the Kafka users' Secrets. */
  private tenantLabelled() {
    return { matchExpressions: [{ key: PLATFORM.tenantLabel, operator: 'Exists' }] };
  }

  private addNamingConvention(kinds: readonly string[]): void {
    new ClusterPolicy(this, 'workspace-naming', {
      metadata: {
        name: 'workspace-naming',
        annotations: { 'policies.kyverno.io/description': 'Workloads in a workspace are named <workspace>-<name>.' },
      },
      spec: {
        background: true,
        rules: [
          {
            name: 'workspace-prefix',
            match: { any: [{ resources: { kinds: [...kinds], namespaceSelector: this.tenantLabelled() } }] },
            validate: {
              failureAction: ClusterPolicySpecRulesValidateFailureAction.ENFORCE,
              message: 'names in workspace {{request.namespace}} must start with "{{request.namespace}}-"',
              pattern: { metadata: { name: NAMING_CONVENTION.kyvernoPattern } },
            },
          },
        ],
      },
    });
  }

  /** A team namespace keeps the restricted Pod Security Standard: nobody relabels it away. */
  private addTenantNamespaceGuard(): void {
    new ClusterPolicy(this, 'tenant-namespace-restricted', {
      metadata: {
        name: 'tenant-namespace-restricted',
        annotations: { 'policies.kyverno.io/description': 'Team namespaces enforce the restricted Pod Security Standard.' },
      },
      spec: {
        background: true,
        rules: [
          {
            name: 'enforce-restricted',
            match: { any: [{ resources: { kinds: ['Namespace'], selector: this.tenantLabelled() } }] },
            validate: {
              failureAction: ClusterPolicySpecRulesValidateFailureAction.ENFORCE,
              message: 'team namespaces must keep pod-security.kubernetes.io/enforce=restricted',
              pattern: { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
            },
          },
        ],
      },
    });
  }

  /**
   * Strimzi writes each team's Kafka credentials into the Kafka namespace, where the team's pods
   * cannot read them; Kyverno copies each into its team's namespace and keeps the copy in sync
   * (a rotated password follows). Kyverno may only touch Secrets through the two roles below,
   * which its Helm chart aggregates into its controllers' roles.
   */
  private addKafkaCredentialsCopy(): void {
    const secrets = (verbs: string[]) => [{ apiGroups: [''], resources: ['secrets'], verbs }];
    new k8s.KubeClusterRole(this, 'kyverno-admission-secrets', {
      metadata: { name: 'kyverno-admission-secrets', labels: { 'rbac.kyverno.io/aggregate-to-admission-controller': 'true' } },
      rules: secrets(['get', 'list', 'watch']),
    });
    new k8s.KubeClusterRole(this, 'kyverno-background-secrets', {
      metadata: { name: 'kyverno-background-secrets', labels: { 'rbac.kyverno.io/aggregate-to-background-controller': 'true' } },
      rules: secrets(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']),
    });
    new ClusterPolicy(this, 'tenant-kafka-credentials', {
      metadata: {
        name: 'tenant-kafka-credentials',
        annotations: { 'policies.kyverno.io/description': "Each team's Kafka credentials are copied into the team's namespace and kept in sync." },
      },
      spec: {
        rules: [
          {
            name: 'copy-kafka-credentials',
            match: { any: [{ resources: { kinds: ['Secret'], namespaces: [PLATFORM.kafka.namespace], selector: this.tenantLabelled() } }] },
            generate: {
              generateExisting: true,
              synchronize: true,
              apiVersion: 'v1',
              kind: 'Secret',
              name: PLATFORM.kafka.credentialsSecret,
              namespace: `{{request.object.metadata.labels."${PLATFORM.tenantLabel}"}}`,
              clone: { namespace: PLATFORM.kafka.namespace, name: '{{request.object.metadata.name}}' },
            },
          },
        ],
      },
    });
  }
}
