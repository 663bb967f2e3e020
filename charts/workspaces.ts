import { ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { TeamInstances } from '../src/user-space/model';
import { kustomizationFile, LayerChart } from './layer-chart';

export interface WorkspacesChartProps extends ChartProps {
  readonly teams: readonly TeamInstances[];
}

/**
 * The teams' Workspaces. They are cluster-scoped (each makes a namespace), so the platform
 * applies them, before any team's own Kustomization runs.
 */
export class WorkspacesChart extends LayerChart {
  private readonly teams: readonly string[];

  constructor(scope: Construct, id: string, props: WorkspacesChartProps) {
    super(scope, id, props);
    for (const { team, workspace } of props.teams) this.addDocument(`${team}.yaml`, workspace);
    this.teams = props.teams.map(({ team }) => team);
  }

  public extraFiles(): Record<string, string> {
    return kustomizationFile(this.teams.map((team) => `${team}.yaml`));
  }
}
