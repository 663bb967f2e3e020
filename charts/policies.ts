import { ChartProps } from 'cdk8s';
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
  }

  private tenantNamespaces() {
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
            match: { any: [{ resources: { kinds: [...kinds], namespaceSelector: this.tenantNamespaces() } }] },
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
            match: { any: [{ resources: { kinds: ['Namespace'], selector: this.tenantNamespaces() } }] },
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
}
