import { ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { LayerChart } from './layer-chart';
import { PLATFORM } from '../config/platform';

/** Pod Security Standards level a namespace enforces. */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/** A namespace owned by the platform, and the pod security it enforces. */
export interface PlatformNamespace {
  readonly name: string;
  readonly podSecurity: PodSecurityLevel;
}

/**
 * Namespaces of the platform components. Operators run at `baseline` (some of their charts need
 * it) and warn at `restricted`; namespaces that only hold platform-made workloads are restricted.
 */
export const PLATFORM_NAMESPACES: readonly PlatformNamespace[] = [
  { name: 'kro-system', podSecurity: 'baseline' },
  { name: 'kyverno', podSecurity: 'baseline' },
  { name: 'strimzi-system', podSecurity: 'baseline' },
  { name: 'cnpg-system', podSecurity: 'baseline' },
  { name: PLATFORM.kafka.namespace, podSecurity: 'restricted' },
  { name: PLATFORM.gateway.namespace, podSecurity: 'restricted' },
  // cert-manager's chart runs restricted pods (non-root, no privilege escalation, RuntimeDefault).
  { name: PLATFORM.certificates.namespace, podSecurity: 'restricted' },
];

/** Namespaces for the platform components (kube-system and flux-system exist before Flux runs). */
export class NamespacesChart extends LayerChart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    for (const namespace of PLATFORM_NAMESPACES) this.addNamespace(namespace);
  }

  private addNamespace({ name, podSecurity }: PlatformNamespace): void {
    new k8s.KubeNamespace(this, name, {
      metadata: {
        name,
        labels: {
          'app.kubernetes.io/part-of': 'mini-atlas',
          'pod-security.kubernetes.io/enforce': podSecurity,
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    });
  }
}
