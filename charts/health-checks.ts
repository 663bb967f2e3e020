import { KustomizationSpecHealthCheckExprs } from '../imports/flux-kustomization-kustomize.toolkit.fluxcd.io';
import { PLATFORM } from '../config/platform';

/**
 * Flux `healthCheckExprs` (kustomize-controller v1.9, "Health check expressions") for the kinds
 * kstatus cannot judge. kstatus reads only `status.observedGeneration` and the
 * Ready/Reconciling/Stalled conditions it knows; kro instances, ResourceGraphDefinitions, Strimzi
 * and Kyverno objects report their state otherwise, so without these a Kustomization that
 * `wait`s would call them ready as soon as they exist.
 *
 * How Flux evaluates them (fluxcd/pkg runtime/cel StatusEvaluator, per RFC 0009): the object is
 * the input (`status`, `metadata`, `spec` are its top-level fields); when
 * `status.observedGeneration` exists and differs from `metadata.generation` the object is in
 * progress; otherwise `inProgress` (none here), then `failed`, then `current` is tried, the
 * first true one wins, and none true means in progress. An evaluation error (a field that is not there) leaves
 * the status unknown, so every field that may be missing is guarded with `has()`.
 */
export interface HealthCheck {
  readonly apiVersion: string;
  readonly kind: string;
  /** True when the object has reached its desired state. */
  readonly current: string;
  /** True when it cannot reach it without a change; @default none (the timeout reports it) */
  readonly failed?: string;
}

/** A kind as an object's `apiVersion` and `kind` name it. */
export interface KindRef {
  readonly apiVersion: string;
  readonly kind: string;
}

/** `status.conditions` holds a condition of `type` whose status is `status`. */
function condition(type: string, status: 'True' | 'False', extra = ''): string {
  return `has(status.conditions) && status.conditions.exists(c, c.type == '${type}' && c.status == '${status}'${extra})`;
}

/**
 * The same, for a condition stamped with the generation its controller judged (kro, Gateway API):
 * a verdict on an older generation says nothing about the change Flux just applied.
 */
function judged(type: string, status: 'True' | 'False'): string {
  return condition(type, status, ' && c.observedGeneration == metadata.generation');
}

/**
 * kro instances (kro v0.9.3, pkg/controller/instance/status.go): `status.state` is ACTIVE only
 * when the root condition Ready is True (InstanceManaged, GraphResolved and ResourcesReady all
 * true), IN_PROGRESS while resources are not ready, ERROR when a resource failed or the graph did
 * not resolve, DELETING while deleting; each built-in condition carries the generation it saw.
 * An instance has no `status.observedGeneration`, so both verdicts look at Ready's generation: an
 * ERROR left from before the change Flux just applied is not a failure of that change.
 */
function kroInstance(kind: string): HealthCheck {
  return {
    apiVersion: PLATFORM.abstractionApiVersion,
    kind,
    current: `has(status.state) && status.state == 'ACTIVE' && ${judged('Ready', 'True')}`,
    failed: `has(status.state) && status.state == 'ERROR' && ${judged('Ready', 'False')}`,
  };
}

/**
 * ResourceGraphDefinition (kro v0.9.3, pkg/controller/resourcegraphdefinition/controller_status.go):
 * `status.state` Active when GraphAccepted, KindReady and ControllerReady are True; Ready is the
 * root of those and GraphRevisionsResolved. GraphAccepted False (InvalidResourceGraph) stays
 * false until the RGD changes.
 */
const RESOURCE_GRAPH_DEFINITION: HealthCheck = {
  apiVersion: 'kro.run/v1alpha1',
  kind: 'ResourceGraphDefinition',
  current: `has(status.state) && status.state == 'Active' && ${judged('Ready', 'True')}`,
  failed: judged('GraphAccepted', 'False'),
};

/**
 * Strimzi 1.2.0 (`kafka.strimzi.io/v1`): a reconciled resource has condition Ready True and sets
 * `status.observedGeneration`; the topic and user operators write Ready False when Kafka refused
 * the topic or user. The cluster operator reports a Kafka that is not ready yet and a broken one
 * alike (NotReady True), so for Kafka only the timeout tells them apart. A KafkaNodePool has no
 * Ready condition: it is current once its nodes are assigned.
 */
function strimzi(kind: string): HealthCheck {
  return { apiVersion: 'kafka.strimzi.io/v1', kind, current: condition('Ready', 'True'), failed: kind === 'Kafka' ? undefined : condition('Ready', 'False') };
}

const KAFKA_NODE_POOL: HealthCheck = {
  apiVersion: 'kafka.strimzi.io/v1',
  kind: 'KafkaNodePool',
  current: 'has(status.nodeIds) && has(spec.replicas) && size(status.nodeIds) == spec.replicas',
};

/**
 * Kyverno 1.19: ClusterPolicy (`kyverno.io/v1`) has condition Ready; ValidatingPolicy,
 * GeneratingPolicy and MutatingPolicy (`policies.kyverno.io/v1`) have `status.conditionStatus.ready`, true when all
 * their conditions (webhook configured, policy cached, RBAC granted) are. Kyverno gives a
 * condition not met yet and a broken one the same reason, so no `failed`: the timeout reports it.
 */
const KYVERNO: HealthCheck[] = [
  { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', current: condition('Ready', 'True') },
  ...['ValidatingPolicy', 'GeneratingPolicy', 'MutatingPolicy'].map((kind) => ({
    apiVersion: 'policies.kyverno.io/v1',
    kind,
    current: 'has(status.conditionStatus) && has(status.conditionStatus.ready) && status.conditionStatus.ready == true',
  })),
];

/**
 * Gateway API v1.6.1 Gateway: Programmed True (with the generation it saw) once the
 * implementation (Cilium's Envoy) serves its listeners; Accepted False means Cilium refused it.
 */
const GATEWAY: HealthCheck = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  current: judged('Programmed', 'True'),
  failed: judged('Accepted', 'False'),
};

/**
 * cert-manager v1.21 Issuers, ClusterIssuers and Certificates: condition Ready True, stamped with
 * the generation it saw (`status.conditions[].observedGeneration` in their CRDs). Ready False is
 * also what an ACME account still registering or a certificate still being issued shows, so no
 * `failed`: the timeout reports a stuck one.
 */
const CERT_MANAGER: HealthCheck[] = ['ClusterIssuer', 'Issuer', 'Certificate'].map((kind) => ({ apiVersion: 'cert-manager.io/v1', kind, current: judged('Ready', 'True') }));

/**
 * Prometheus Operator v0.93 PodMonitors and ServiceMonitors have a status subresource
 * (`status.bindings[].conditions[type=Accepted]`, one binding per Prometheus that selects the
 * monitor), but the operator writes it only with the StatusForConfigurationResources feature
 * gate, which is off by default (pkg/operator/config.go at v0.93.0; the API types say the status
 * "is under active development") and which the platform leaves off. Without it no status is ever
 * written, so a check reading one would never pass: once applied there is nothing to wait for
 * (Prometheus picks a monitor up on its next configuration reload), hence `true`.
 */
const PROMETHEUS_MONITORS: HealthCheck[] = ['PodMonitor', 'ServiceMonitor'].map((kind) => ({ apiVersion: 'monitoring.coreos.com/v1', kind, current: 'true' }));

const FIXED: readonly HealthCheck[] = [
  RESOURCE_GRAPH_DEFINITION,
  ...['Kafka', 'KafkaTopic', 'KafkaUser'].map(strimzi),
  KAFKA_NODE_POOL,
  ...KYVERNO,
  GATEWAY,
  ...CERT_MANAGER,
  ...PROMETHEUS_MONITORS,
];

/** The health check of `kind`, when kstatus cannot judge it and it needs one. */
export function healthCheckOf(kind: KindRef): HealthCheck | undefined {
  const fixed = FIXED.find((check) => check.apiVersion === kind.apiVersion && check.kind === kind.kind);
  if (fixed) return fixed;
  return kind.apiVersion === PLATFORM.abstractionApiVersion ? kroInstance(kind.kind) : undefined;
}

/** A Kustomization's `healthCheckExprs` for the kinds it applies (each kind once, in a stable order), or undefined when none needs one. */
export function healthCheckExprs(kinds: Iterable<KindRef>): KustomizationSpecHealthCheckExprs[] | undefined {
  const checks = new Map<string, HealthCheck>();
  for (const kind of kinds) {
    const check = healthCheckOf(kind);
    if (check) checks.set(`${check.apiVersion} ${check.kind}`, check);
  }
  if (checks.size === 0) return undefined;
  return [...checks.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, { apiVersion, kind, current, failed }]) => ({ apiVersion, kind, current, ...(failed ? { failed } : {}) }));
}
