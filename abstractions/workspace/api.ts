import { PLATFORM } from '../../config/platform';
import { AbstractionApi } from '../api';
import { field } from '../schema';
import { PATTERNS, SEED_NAME_FIELD } from '../fields';

const spec = {
  name: SEED_NAME_FIELD,
  owners: field.stringList({
    description:
      "Who reviews the team's changes: Git host handles, `@user` or `@org/team`. `npm run synth` makes them the code owners of the team's folder in user-space/ and of its own files in dist/ (.github/CODEOWNERS); without owners, only the platform's owners can approve the team's changes.",
    itemPattern: PATTERNS.codeOwner,
    maxItems: 20,
    hint: 'a Git host handle: "@user" or "@org/team", with the "@"',
    sameOnEveryCluster: true,
  }),
};

/** The fields of a Workspace, as teams write them. */
export type WorkspaceFields = typeof spec;

/**
 * A team's home: its namespace, locked to the restricted Pod Security Standard, closed by
 * default to traffic in and out except what the platform's services need, with a quota.
 */
export const workspaceApi: AbstractionApi<WorkspaceFields> = {
  kind: 'Workspace',
  plural: 'workspaces',
  scope: 'Cluster',
  description:
    "A team namespace (restricted pods, default-deny network, quota and container defaults) and the team's Kafka user. Traffic is allowed within the namespace, to DNS, to the shared Kafka, and from the shared Gateway. The Kafka user, named like the namespace, may read and write only topics, consumer groups and transactional ids starting with `<namespace>.`; its password arrives in the Secret " +
    `\`${PLATFORM.kafka.credentialsSecret}\` of the namespace.`,
  spec,
  printerColumns: [{ name: 'Namespace', type: 'string', jsonPath: '.status.namespace' }],
  // Pruning a Workspace would delete its namespace, and with it every database in it.
  keptWhenRemoved: true,
};
