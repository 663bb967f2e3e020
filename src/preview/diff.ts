/**
 * What a change does to the created resources: the preview of the committed instances against
 * the preview of the current ones, matched by apiVersion, kind, namespace and name.
 */
import { stringify } from 'yaml';
import { describeResource } from './preview';

/** How one resource differs between the two previews. */
export interface ResourceChange {
  readonly change: 'added' | 'removed' | 'changed';
  /** `apps/v1 Deployment team-a/team-a-web`. */
  readonly resource: string;
  /** For changes: the object's YAML as a unified line diff. */
  readonly lines: readonly string[];
}

/** The changes from `before` to `after`, in the order of `after` (removals last). */
export function diffResources(before: readonly Record<string, unknown>[], after: readonly Record<string, unknown>[]): ResourceChange[] {
  const old = new Map(before.map((object) => [describeResource(object), object]));
  const changes: ResourceChange[] = [];
  for (const object of after) {
    const resource = describeResource(object);
    const previous = old.get(resource);
    old.delete(resource);
    if (!previous) {
      changes.push({ change: 'added', resource, lines: toLines(object).map((line) => `+${line}`) });
      continue;
    }
    const lines = unifiedDiff(toLines(previous), toLines(object));
    if (lines.length > 0) changes.push({ change: 'changed', resource, lines });
  }
  for (const [resource, object] of old) changes.push({ change: 'removed', resource, lines: toLines(object).map((line) => `-${line}`) });
  return changes;
}

/** The changes as text for a pull request: a summary line, then one block per resource. */
export function formatChanges(changes: readonly ResourceChange[]): string {
  if (changes.length === 0) return 'No changes to the created resources.\n';
  const count = (kind: ResourceChange['change']): number => changes.filter((change) => change.change === kind).length;
  const blocks = changes.map((change) => [`${MARK[change.change]} ${change.change} ${change.resource}`, ...change.lines.map((line) => `    ${line}`)].join('\n'));
  return `${count('added')} added, ${count('changed')} changed, ${count('removed')} removed\n\n${blocks.join('\n\n')}\n`;
}

const MARK = { added: '+', removed: '-', changed: '~' } as const;

function toLines(object: Record<string, unknown>): string[] {
  return stringify(object).trimEnd().split('\n');
}

/** Lines around a change that are shown with it. */
const CONTEXT = 2;

/** A unified diff (no file headers) of two line lists: ` ` kept, `-` removed, `+` added, `@@` between distant hunks. */
export function unifiedDiff(before: readonly string[], after: readonly string[]): string[] {
  const edits = editScript(before, after);
  const near = edits.map((_, index) => edits.slice(Math.max(0, index - CONTEXT), index + CONTEXT + 1).some((edit) => !edit.startsWith(' ')));
  const lines: string[] = [];
  edits.forEach((edit, index) => {
    if (!near[index]) return;
    if (lines.length > 0 && !near[index - 1]) lines.push('@@');
    lines.push(edit);
  });
  return lines;
}

/** The longest-common-subsequence edit script, lines prefixed with ` `, `-` or `+`. */
function editScript(before: readonly string[], after: readonly string[]): string[] {
  const common: number[][] = Array.from({ length: before.length + 1 }, () => new Array<number>(after.length + 1).fill(0));
  for (let i = before.length - 1; i >= 0; i--) {
    for (let j = after.length - 1; j >= 0; j--) {
      common[i][j] = before[i] === after[j] ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
    }
  }
  const edits: string[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    // Past the end of one list, its side is undefined, which equals no line of the other.
    if (before[i] === after[j]) {
      edits.push(` ${before[i++]}`);
      j++;
    } else if (i < before.length && (j === after.length || common[i + 1][j] >= common[i][j + 1])) {
      edits.push(`-${before[i++]}`);
    } else {
      edits.push(`+${after[j++]}`);
    }
  }
  return edits;
}
