import { AbstractionApi } from './api';
import { infrastructureApi } from './infrastructure/api';
import { topicApi } from './topic/api';
import { virtualClusterApi } from './virtual-cluster/api';
import { webApplicationApi } from './web-application/api';
import { workspaceApi } from './workspace/api';

/** What teams can write, Workspace first (the others live in its namespace). */
export const ABSTRACTION_APIS: readonly AbstractionApi[] = [workspaceApi, webApplicationApi, infrastructureApi, topicApi, virtualClusterApi] as readonly AbstractionApi[];

/** The abstraction API of `kind`, or undefined. */
export function findAbstractionApi(kind: string): AbstractionApi | undefined {
  return ABSTRACTION_APIS.find((abstraction) => abstraction.kind === kind);
}
