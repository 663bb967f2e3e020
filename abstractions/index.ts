import { Abstraction } from './graph';
import { infrastructure } from './infrastructure/resources';
import { topic } from './topic/resources';
import { virtualCluster } from './virtual-cluster/resources';
import { webApplication } from './web-application/resources';
import { workspace } from './workspace/resources';

/** Every abstraction with the resources kro creates for it, in the order of ABSTRACTION_APIS. */
export const ABSTRACTIONS: readonly Abstraction[] = [workspace, webApplication, infrastructure, topic, virtualCluster] as readonly Abstraction[];
