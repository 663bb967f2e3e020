import { ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { PLATFORM } from '../config/platform';
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
  constructor(scope: Construct, id: string, props: WorkspacesChartProps) {
    super(scope, id, props);
    for (const { workspace } of props.teams) this.addDocument(PLATFORM.dist.workspacesFile, workspace);
  }

  public extraFiles(): Record<string, string> {
    return kustomizationFile(this.documents.length ? [PLATFORM.dist.workspacesFile] : []);
  }
}
