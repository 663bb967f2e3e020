import { ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { LayerChart } from './layer-chart';
import { PLATFORM_NAMESPACES, PlatformNamespace } from '../config/namespaces';

/** Namespaces for the platform components (kube-system and flux-system exist before Flux runs). */
export class NamespacesChart extends LayerChart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    for (const namespace of Object.values(PLATFORM_NAMESPACES)) this.addNamespace(namespace);
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
