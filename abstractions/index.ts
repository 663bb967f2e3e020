import { Abstraction } from './abstraction';
import { infrastructure } from './infrastructure';
import { topic } from './topic';
import { virtualCluster } from './virtual-cluster';
import { webApplication } from './web-application';
import { workspace } from './workspace';

/** Every abstraction teams can use, Workspace first (the others live in its namespace). */
export const ABSTRACTIONS: readonly Abstraction[] = [workspace, webApplication, infrastructure, topic, virtualCluster] as readonly Abstraction[];

/** The abstraction of `kind`, or undefined. */
export function findAbstraction(kind: string): Abstraction | undefined {
  return ABSTRACTIONS.find((abstraction) => abstraction.kind === kind);
}
