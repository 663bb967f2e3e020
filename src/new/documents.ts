/**
 * The team files `npm run new` writes: one document per abstraction, with only the fields the
 * command line gave (the abstraction's defaults do the rest), behind the editor-schema line.
 */
import { stringify } from 'yaml';
import { PLATFORM } from '../../config/platform';

/** What `new` can create, by the word the command line uses. */
export const NEW_KINDS = {
  workspace: { kind: 'Workspace', fields: [] },
  webapp: { kind: 'WebApplication', fields: ['image', 'tag', 'host', 'port', 'replicas'], required: ['image', 'tag', 'host'] },
  infrastructure: { kind: 'Infrastructure', fields: ['database'], required: ['database'] },
  topic: { kind: 'Topic', fields: ['partitions'] },
  vcluster: { kind: 'VirtualCluster', fields: [] },
} as const satisfies Record<string, NewKind>;

/** One kind `new` creates: its abstraction and the spec fields it takes as `--<field>` flags. */
export interface NewKind {
  readonly kind: string;
  readonly fields: readonly string[];
  /** Fields without which the document is refused. @default none */
  readonly required?: readonly string[];
}

export type NewKindName = keyof typeof NEW_KINDS;

/** Fields whose flags take whole numbers. */
export const INTEGER_FIELDS: readonly string[] = ['port', 'replicas', 'partitions'];

/** The first line of every team file: editors then complete and check it against schemas/. */
export const EDITOR_SCHEMA_LINE = '# yaml-language-server: $schema=../../schemas/team-file.json';

/** The text of a team file holding one instance. */
export function teamFile(kind: string, metadata: { name: string; namespace?: string }, spec: Record<string, string | number>): string {
  const document = { apiVersion: PLATFORM.abstractionApiVersion, kind, metadata, spec };
  return `${EDITOR_SCHEMA_LINE}\n${stringify(document)}`;
}
