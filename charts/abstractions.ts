import { ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { ResourceGraphDefinition } from '../imports/kro-kro.run';
import { Abstraction, instanceRefs, rgdSchema } from '../abstractions/graph';
import { ClusterConfig } from '../config/clusters';
import { LayerChart } from './layer-chart';

export interface AbstractionsChartProps extends ChartProps {
  readonly cluster: ClusterConfig;
  readonly abstractions: readonly Abstraction[];
}

/** One kro ResourceGraphDefinition per abstraction, sized for the cluster. */
export class AbstractionsChart extends LayerChart {
  constructor(scope: Construct, id: string, props: AbstractionsChartProps) {
    super(scope, id, props);
    for (const abstraction of props.abstractions) this.addDefinition(abstraction, props.cluster);
  }

  private addDefinition(abstraction: Abstraction, cluster: ClusterConfig): void {
    new ResourceGraphDefinition(this, abstraction.kind, {
      metadata: { name: rgdName(abstraction) },
      spec: {
        schema: rgdSchema(abstraction, cluster),
        resources: abstraction.resources(instanceRefs(abstraction), cluster).map((resource) => ({ ...resource, readyWhen: resource.readyWhen && [...resource.readyWhen], includeWhen: resource.includeWhen && [...resource.includeWhen] })),
      },
    });
  }
}

/** Name of the RGD of `abstraction`: its plural, as kro's examples name them. */
export function rgdName(abstraction: Abstraction): string {
  return abstraction.plural;
}
