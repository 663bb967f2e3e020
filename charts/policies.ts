import { ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { LayerChart } from './layer-chart';
import { GeneratingPolicy } from '../imports/kyverno-generatingpolicy-policies.kyverno.io';
import { ValidatingPolicy, ValidatingPolicySpecFailurePolicy, ValidatingPolicySpecValidationActions } from '../imports/kyverno-validatingpolicy-policies.kyverno.io';
import { NAMING_CONVENTION } from '../config/naming';
import { PLATFORM } from '../config/platform';

/** The team-facing kinds of one API group and version, by plural resource name. */
export interface TenantKinds {
  readonly group: string;
  readonly version: string;
  readonly resources: readonly string[];
}

/** The namespaced ones of `abstractions`, in the platform's API group and version. */
export function tenantKinds(abstractions: ReadonlyArray<{ readonly scope: string; readonly plural: string }>): TenantKinds {
  const [group, version] = PLATFORM.abstractionApiVersion.split('/');
  return { group, version, resources: abstractions.filter((abstraction) => abstraction.scope === 'Namespaced').map((abstraction) => abstraction.plural) };
}

export interface PoliciesChartProps extends ChartProps {
  /** The namespaced abstractions, whose names follow the convention. */
  readonly tenantKinds: TenantKinds;
}

/** Pod Security label a team namespace keeps. */
const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/**
 * Cluster-wide Kyverno policies (`policies.kyverno.io/v1`, CEL based). Each applies to every
 * team namespace through the tenant label, so adding a team adds no policy. Kyverno registers
 * one webhook per failure policy and selector set, carrying the policy's namespace and object
 * selectors, so a policy only ever holds up the writes it matches.
 */
export class PoliciesChart extends LayerChart {
  constructor(scope: Construct, id: string, props: PoliciesChartProps) {
    super(scope, id, props);
    this.addNamingConvention(props.tenantKinds);
    this.addTenantNamespaceGuard();
    this.addKafkaCredentialsCopy();
    this.addReportsAccess(props.tenantKinds);
  }

  /** Selects what carries the tenant label: team namespaces, and the Kafka users' Secrets. */
  private tenantLabelled() {
    return { matchExpressions: [{ key: PLATFORM.tenantLabel, operator: 'Exists' }] };
  }

  /**
   * Fails open: synth already refuses a misnamed instance, and teams write instances only
   * through Git, so a Kyverno outage must not stop every team's deployments. Background scans
   * report what slipped through.
   */
  private addNamingConvention({ group, version, resources }: TenantKinds): void {
    new ValidatingPolicy(this, 'workspace-naming', {
      metadata: {
        name: 'workspace-naming',
        annotations: { 'policies.kyverno.io/description': 'Workloads in a workspace are named <workspace>-<name>.' },
      },
      spec: {
        failurePolicy: ValidatingPolicySpecFailurePolicy.IGNORE,
        validationActions: [ValidatingPolicySpecValidationActions.DENY],
        evaluation: { background: { enabled: true } },
        matchConstraints: {
          resourceRules: [{ apiGroups: [group], apiVersions: [version], operations: ['CREATE', 'UPDATE'], resources: [...resources] }],
          namespaceSelector: this.tenantLabelled(),
        },
        validations: [{ expression: NAMING_CONVENTION.celExpression, messageExpression: NAMING_CONVENTION.celMessage }],
      },
    });
  }

  /**
   * A team namespace keeps the restricted Pod Security Standard: nobody relabels it away. Fails
   * closed, because it guards tenant isolation; its webhook selects only namespaces that carry
   * (or carried) the tenant label, so an outage holds up only team namespace writes.
   */
  private addTenantNamespaceGuard(): void {
    new ValidatingPolicy(this, 'tenant-namespace-restricted', {
      metadata: {
        name: 'tenant-namespace-restricted',
        annotations: { 'policies.kyverno.io/description': 'Team namespaces enforce the restricted Pod Security Standard.' },
      },
      spec: {
        failurePolicy: ValidatingPolicySpecFailurePolicy.FAIL,
        validationActions: [ValidatingPolicySpecValidationActions.DENY],
        evaluation: { background: { enabled: true } },
        matchConstraints: {
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['namespaces'] }],
          objectSelector: this.tenantLabelled(),
        },
        validations: [
          {
            expression: `has(object.metadata.labels) && '${ENFORCE_LABEL}' in object.metadata.labels && object.metadata.labels['${ENFORCE_LABEL}'] == 'restricted'`,
            message: `team namespaces must keep ${ENFORCE_LABEL}=restricted`,
          },
        ],
      },
    });
  }

  /**
   * Strimzi writes each team's Kafka credentials into the Kafka namespace, where the team's pods
   * cannot read them; Kyverno copies each into its team's namespace as `kafka-credentials` and
   * updates the copy whenever Strimzi updates the Secret (a rotated password follows). Only the
   * background controller touches Secrets, through the role below, which Kyverno's chart
   * aggregates into its own: the admission controller merely records the trigger for it
   * (pkg/webhooks/resource/gpol at v1.19.0). Kyverno always registers a GeneratingPolicy's
   * webhook to fail open (the policy has no failurePolicy), so Strimzi is never held up; a
   * Secret written while Kyverno is down is copied when Strimzi next updates it.
   */
  private addKafkaCredentialsCopy(): void {
    new k8s.KubeClusterRole(this, 'kyverno-background-secrets', {
      metadata: { name: 'kyverno-background-secrets', labels: { 'rbac.kyverno.io/aggregate-to-background-controller': 'true' } },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] }],
    });
    new GeneratingPolicy(this, 'tenant-kafka-credentials', {
      metadata: {
        name: 'tenant-kafka-credentials',
        annotations: { 'policies.kyverno.io/description': "Each team's Kafka credentials are copied into the team's namespace and kept in sync." },
      },
      spec: {
        evaluation: { generateExisting: { enabled: true }, synchronize: { enabled: true } },
        matchConstraints: {
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['secrets'] }],
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': PLATFORM.kafka.namespace } },
          objectSelector: this.tenantLabelled(),
        },
        variables: KAFKA_CREDENTIALS_COPY.variables.map(({ name, expression }) => ({ name, expression })),
        generate: [{ expression: KAFKA_CREDENTIALS_COPY.generate }],
      },
    });
  }

  /**
   * Kyverno's reports controller runs the background scans: without reading the abstractions it
   * reports nothing about their names. Its chart aggregates every ClusterRole with this label.
   */
  private addReportsAccess({ group, resources }: TenantKinds): void {
    new k8s.KubeClusterRole(this, 'kyverno-reports-abstractions', {
      metadata: { name: 'kyverno-reports-abstractions', labels: { 'rbac.kyverno.io/aggregate-to-reports-controller': 'true' } },
      rules: [{ apiGroups: [group], resources: [...resources], verbs: ['get', 'list', 'watch'] }],
    });
  }
}

/**
 * The CEL of the Kafka credentials copy, apart so a test can evaluate it: the team is the
 * trigger Secret's tenant label, and the copy holds the trigger's type and data under the name
 * the team's workloads read.
 */
export const KAFKA_CREDENTIALS_COPY = {
  variables: [
    { name: 'team', expression: `object.metadata.labels['${PLATFORM.tenantLabel}']` },
    {
      name: 'copy',
      expression: `{"apiVersion": dyn("v1"), "kind": dyn("Secret"), "metadata": dyn({"name": "${PLATFORM.kafka.credentialsSecret}", "namespace": variables.team}), "type": dyn(has(object.type) ? object.type : "Opaque"), "data": dyn(object.data)}`,
    },
  ],
  generate: 'generator.apply(variables.team, [variables.copy])',
} as const;
