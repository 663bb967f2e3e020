import { k8s } from 'cdk8s-plus-30';
import {
  CiliumNetworkPolicy,
  CiliumNetworkPolicySpecEndpointSelectorMatchExpressionsOperator,
  CiliumNetworkPolicySpecEgressToEntities, CiliumNetworkPolicySpecIngressFromEntities } from '../../imports/cilium-networkpolicy-cilium.io';
import {
  KafkaUser,
  KafkaUserSpecAuthenticationType,
  KafkaUserSpecAuthorizationAclsOperations as Operation,
  KafkaUserSpecAuthorizationAclsResourcePatternType,
  KafkaUserSpecAuthorizationAclsResourceType as ResourceType,
  KafkaUserSpecAuthorizationType,
} from '../../imports/strimzi-kafkauser-kafka.strimzi.io';
import { ClusterConfig } from '../../config/clusters';
import { PLATFORM_NAMESPACES, SYSTEM_NAMESPACES } from '../../config/namespaces';
import { PLATFORM, tenantServiceAccount } from '../../config/platform';
import { KAFKA_PORTS } from '../../charts/shared-resources';
import { Abstraction, GraphResource, InstanceRefs, manifest } from '../graph';
import { expr } from '../expression';
import { workspaceApi, WorkspaceFields } from './api';

/** What kro creates for each Workspace. */
export const workspace: Abstraction<WorkspaceFields> = {
  ...workspaceApi,
  status: () => ({ namespace: expr('tenantNamespace.metadata.name'), phase: expr('tenantNamespace.status.phase') }),
  resources: (instance, cluster) => [namespace(instance), tenantAccess(instance), ...networkPolicies(), ...ciliumPolicies(), quota(cluster), limits(cluster), kafkaUser(instance)],
};

type Refs = InstanceRefs<WorkspaceFields>;

function namespace({ name }: Refs): GraphResource {
  return {
    id: 'tenantNamespace',
    template: manifest(k8s.KubeNamespace, {
      metadata: {
        name,
        labels: {
          [PLATFORM.tenantLabel]: name,
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    }),
    readyWhen: [expr('tenantNamespace.status.phase == "Active"')],
  };
}

/**
 * The team's rights in its namespace: the tenant role, for the ServiceAccount the team's Flux
 * Kustomization impersonates. It is made here, with the namespace, and not by the tenants layer:
 * a RoleBinding in a namespace that does not exist yet would fail the whole layer, every team's
 * access with it. Here it exists exactly when the namespace does, and the platform grants it
 * (the Workspace is applied by the platform and expanded by kro), never the tenant, whose role
 * holds no right on RoleBindings. kro may grant the role because it holds every right the role
 * does (kro's chart default, `rbac.mode: unrestricted`); in `aggregation` mode it would need
 * `bind` on it (RBAC escalation prevention).
 */
function tenantAccess({ name }: Refs): GraphResource {
  return {
    id: 'tenantAccess',
    template: manifest(k8s.KubeRoleBinding, {
      metadata: inNamespace(PLATFORM.tenantRoleBinding),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: PLATFORM.tenantRole },
      subjects: [{ kind: 'ServiceAccount', name: tenantServiceAccount(name), namespace: PLATFORM.fluxNamespace }],
    }),
  };
}

/** Every namespaced object lives in the namespace the instance created. */
function inNamespace(name: string) {
  return { name, namespace: expr('tenantNamespace.metadata.name') };
}

function networkPolicies(): GraphResource[] {
  const allPods = {};
  const policy = (id: string, name: string, spec: k8s.NetworkPolicySpec): GraphResource => ({
    id,
    template: manifest(k8s.KubeNetworkPolicy, { metadata: inNamespace(name), spec }),
  });
  return [
    policy('denyAll', 'default-deny', { podSelector: allPods, policyTypes: ['Ingress', 'Egress'] }),
    policy('allowSameNamespace', 'allow-same-namespace', {
      podSelector: allPods,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: allPods }] }],
      egress: [{ to: [{ podSelector: allPods }] }],
    }),
    policy('allowDns', 'allow-dns', {
      podSelector: allPods,
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': SYSTEM_NAMESPACES.kubeSystem.name } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [
            { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
            { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
          ],
        },
      ],
    }),
    policy('allowKafka', 'allow-kafka', {
      podSelector: allPods,
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': PLATFORM.kafka.namespace } } }],
          ports: [KAFKA_PORTS.plain, KAFKA_PORTS.tls].map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) })),
        },
      ],
    }),
    // CloudNativePG's operator polls each instance's status endpoint and connects to PostgreSQL.
    policy('allowPostgresOperator', 'allow-cnpg-operator', {
      podSelector: { matchExpressions: [{ key: 'cnpg.io/cluster', operator: 'Exists' }] },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': PLATFORM_NAMESPACES.cloudnativePg.name } } }],
          ports: [8000, 5432].map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) })),
        },
      ],
    }),
  ];
}

/**
 * Two flows no namespace or pod selector can express: traffic from the shared Gateway (Cilium's
 * Envoy carries the reserved `ingress` identity) and, for the pods that must talk to the API
 * server (PostgreSQL instance managers, virtual clusters), egress to it.
 */
function ciliumPolicies(): GraphResource[] {
  return [
    {
      id: 'allowGateway',
      template: manifest(CiliumNetworkPolicy, {
        metadata: inNamespace('allow-gateway'),
        spec: { endpointSelector: {}, ingress: [{ fromEntities: [CiliumNetworkPolicySpecIngressFromEntities.INGRESS] }] },
      }),
    },
    ...[
      { id: 'allowApiServerPostgres', name: 'allow-apiserver-postgres', selector: { matchExpressions: [{ key: 'cnpg.io/cluster', operator: CiliumNetworkPolicySpecEndpointSelectorMatchExpressionsOperator.EXISTS }] } },
      { id: 'allowApiServerVcluster', name: 'allow-apiserver-vcluster', selector: { matchLabels: { app: 'vcluster' } } },
    ].map(({ id, name, selector }) => ({
      id,
      template: manifest(CiliumNetworkPolicy, {
        metadata: inNamespace(name),
        spec: { endpointSelector: selector, egress: [{ toEntities: [CiliumNetworkPolicySpecEgressToEntities.KUBE_HYPHEN_APISERVER] }] },
      }),
    })),
  ];
}

function quota(cluster: ClusterConfig): GraphResource {
  const { cpu, memory, pods, storage } = cluster.tenant.quota;
  return {
    id: 'quota',
    template: manifest(k8s.KubeResourceQuota, {
      metadata: inNamespace('workspace-quota'),
      spec: {
        hard: {
          'limits.cpu': k8s.Quantity.fromString(cpu),
          'limits.memory': k8s.Quantity.fromString(memory),
          'requests.cpu': k8s.Quantity.fromString(cpu),
          'requests.memory': k8s.Quantity.fromString(memory),
          'requests.storage': k8s.Quantity.fromString(storage),
          pods: k8s.Quantity.fromNumber(pods),
        },
      },
    }),
  };
}

function limits(cluster: ClusterConfig): GraphResource {
  const { requests, limits: ceiling } = cluster.tenant.containerDefaults;
  return {
    id: 'limits',
    template: manifest(k8s.KubeLimitRange, {
      metadata: inNamespace('container-defaults'),
      spec: {
        limits: [
          {
            type: 'Container',
            defaultRequest: { cpu: k8s.Quantity.fromString(requests.cpu), memory: k8s.Quantity.fromString(requests.memory) },
            default: { cpu: k8s.Quantity.fromString(ceiling.cpu), memory: k8s.Quantity.fromString(ceiling.memory) },
          },
        ],
      },
    }),
  };
}

/**
 * The team's identity on the shared Kafka. The user operator only watches the Kafka namespace,
 * so the user and its Secret live there; the policies layer copies the Secret into the team's
 * namespace (labelled with the team for that). The ACLs admit only names under the team's
 * prefix, `<namespace>.`, which is how Topic names its topics; topics themselves are made by
 * the Topic abstraction, never by clients. Not awaited: a workspace is usable before Kafka is.
 */
function kafkaUser({ name }: Refs): GraphResource {
  const underTeamPrefix = (type: ResourceType, operations: Operation[]) => ({
    resource: { type, name: `${name}.`, patternType: KafkaUserSpecAuthorizationAclsResourcePatternType.PREFIX },
    operations,
  });
  return {
    id: 'kafkaUser',
    template: manifest(KafkaUser, {
      metadata: { name, namespace: PLATFORM.kafka.namespace, labels: { 'strimzi.io/cluster': PLATFORM.kafka.cluster, [PLATFORM.tenantLabel]: name } },
      spec: {
        authentication: { type: KafkaUserSpecAuthenticationType.SCRAM_HYPHEN_SHA_HYPHEN_512 },
        authorization: {
          type: KafkaUserSpecAuthorizationType.SIMPLE,
          acls: [
            underTeamPrefix(ResourceType.TOPIC, [Operation.DESCRIBE, Operation.READ, Operation.WRITE]),
            underTeamPrefix(ResourceType.GROUP, [Operation.DESCRIBE, Operation.READ]),
            underTeamPrefix(ResourceType.TRANSACTIONAL_ID, [Operation.DESCRIBE, Operation.WRITE]),
          ],
        },
        template: { secret: { metadata: { labels: { [PLATFORM.tenantLabel]: name } } } },
      },
    }),
  };
}
