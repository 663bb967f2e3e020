import { PLATFORM } from '../config/platform';
import { TeamInstances } from '../src/user-space/model';
import { kustomizationFile, LayerChart, TeamDocument } from './layer-chart';

/**
 * The teams' Workspaces. They are cluster-scoped (each makes a namespace), so the platform
 * applies them, before any team's own Kustomization runs.
 */
export class WorkspacesChart extends LayerChart {
  public teamDocuments({ workspace }: TeamInstances): TeamDocument[] {
    return [{ file: PLATFORM.dist.workspacesFile, object: workspace }];
  }

  public extraFiles(teams: number): Record<string, string> {
    return kustomizationFile(teams ? [PLATFORM.dist.workspacesFile] : []);
  }
}
