import * as fs from 'fs';
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { Document, isMap, isPair, isScalar, isSeq, LineCounter, Node, parseAllDocuments, visit, type Pair, type YAMLMap } from 'yaml';
import { SourceLocation } from './model';
import { Problem } from './problems';

/** Team files larger than this are not configuration; refusing them keeps synth fast. */
const MAX_FILE_BYTES = 256 * 1024;
/** How many times a document may expand its aliases (the `yaml` package's guard against alias bombs). */
const MAX_ALIAS_COUNT = 50;

/** One YAML document of a team file, with the means to point at any of its fields. */
export interface SourceDocument {
  readonly file: string;
  readonly value: unknown;
  /** Where the document starts. */
  readonly location: SourceLocation;
  /** Where the value (or, with `key`, the key) at `path` is, or the closest parent that exists. */
  locate(path: readonly (string | number)[], key?: boolean): SourceLocation;
}

/** A file's documents as the `yaml` package reads them: with positions, and every problem. */
interface PositionedDocuments {
  /** The non-empty documents, in order, each with its value. */
  readonly documents: readonly { readonly document: Document.Parsed; readonly value: unknown }[];
  position(offset: number): SourceLocation;
}

/**
 * Reads one file's documents (from `contents` when given: a file not written yet). Whatever is
 * wrong with the file (not UTF-8, binary, too large, YAML syntax, duplicate keys, alias bombs,
 * empty) becomes a problem, never an exception.
 *
 * Most files are fine, and most fine documents never need a position, so a valid file is read
 * with js-yaml (ten times faster), and the `yaml` package, which knows where every node is,
 * reads it again only when a problem needs a line and column. A file js-yaml refuses, or one
 * with anchors (which the `yaml` package guards against alias bombs), is read by `yaml` alone,
 * which also words its errors.
 */
export function readDocuments(absolutePath: string, file: string, problems: Problem[], contents?: Buffer): SourceDocument[] {
  const at = (line = 1, col = 1): SourceLocation => ({ file, line, col });
  const bytes = contents ?? fs.readFileSync(absolutePath);
  if (bytes.length > MAX_FILE_BYTES) {
    problems.push({ severity: 'error', location: at(), message: `file is ${bytes.length} bytes, more than the ${MAX_FILE_BYTES} a team file may have` });
    return [];
  }
  const text = decodeUtf8(bytes);
  if (text === undefined) {
    problems.push({ severity: 'error', location: at(), message: 'file is not UTF-8 text (binary content?); team files must be YAML' });
    return [];
  }
  let positioned: PositionedDocuments | undefined;
  const positions = () => (positioned ??= parseWithPositions(text, file, []));
  const values = fastValues(text);
  if (values) return values.map((value, index) => sourceDocument(file, value, () => positions().documents[index].document, (offset) => positions().position(offset)));
  positioned = parseWithPositions(text, file, problems);
  return positioned.documents.map(({ document, value }) => sourceDocument(file, value, () => document, positioned!.position));
}

/** The non-empty documents' values, when js-yaml reads the file cleanly and it has no anchors. */
function fastValues(text: string): unknown[] | undefined {
  // Stryker disable next-line ConditionalExpression,StringLiteral: the `yaml` package reads any file to the same values as js-yaml, only slower
  if (text.includes('&')) return undefined;
  try {
    // An empty document is null (js-yaml gives no undefined); none left means the `yaml` package says what is wrong, as it would for a file with nothing at all.
    // Stryker disable next-line ArrowFunction,ConditionalExpression: dropping every value leaves the file to the `yaml` package, which reads it to the same values
    const values = loadAll(text, undefined, { schema: CORE_SCHEMA }).filter((value) => value !== null);
    return values.length ? values : undefined;
  } catch {
    return undefined;
  }
}

/** Every document with positions; syntax errors, duplicate keys, alias bombs and emptiness become problems. */
function parseWithPositions(text: string, file: string, problems: Problem[]): PositionedDocuments {
  const lineCounter = new LineCounter();
  const position = (offset: number): SourceLocation => ({ file, ...lineCounter.linePos(offset) });
  const documents: { document: Document.Parsed; value: unknown }[] = [];
  for (const document of parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false })) {
    for (const error of document.errors) {
      const message = (error.code === 'DUPLICATE_KEY' && duplicateKey(document, error.pos[0], position)) || `YAML: ${firstLine(error.message)}`;
      problems.push({ severity: 'error', location: position(error.pos[0]), message });
    }
    if (document.errors.length) continue;
    const value = valueOf(document, position, problems);
    // An empty document (a trailing `---`, or `--- ~`) declares nothing, as for kubectl.
    if (value === null || value === undefined) continue;
    documents.push({ document, value });
  }
  if (!documents.length && !problems.some((problem) => problem.location.file === file)) {
    problems.push({ severity: 'error', location: position(0), message: 'file holds no document: add one or delete the file' });
  }
  return { documents, position };
}

/**
 * What is wrong with the key at `offset`, which repeats one before it in the same map:
 * `spec.replicas is given twice (first at line 11)`. Undefined if no key starts there.
 */
function duplicateKey(document: Document.Parsed, offset: number, position: (offset: number) => SourceLocation): string | undefined {
  let message: string | undefined;
  visit(document, {
    Pair(_, pair, ancestors) {
      if (!isScalar(pair.key) || pair.key.range?.[0] !== offset) return undefined;
      // The parser reports a duplicate key only among the keys of one map, so the pair is in a map.
      const map = ancestors[ancestors.length - 1] as YAMLMap;
      const same = map.items.filter((item) => isScalar(item.key) && item.key.value === (pair.key as { value: unknown }).value);
      const times = same.indexOf(pair as Pair<unknown, unknown>) + 1;
      const first = position((same[0].key as Node).range?.[0] ?? offset);
      message = `${fieldPath([...ancestors, pair])} is given ${times === 2 ? 'twice' : `${times} times`} (first at line ${first.line})`;
      return visit.BREAK;
    },
  });
  return message;
}

/** `spec.containers.0.name`: the path through `nodes` (from the document down to a pair), as other messages write it. */
function fieldPath(nodes: readonly unknown[]): string {
  const segments: string[] = [];
  nodes.forEach((node, index) => {
    if (isPair(node) && isScalar(node.key)) segments.push(String(node.key.value));
    else if (isSeq(node)) segments.push(String(node.items.indexOf(nodes[index + 1] as never)));
  });
  return segments.join('.');
}

function decodeUtf8(bytes: Buffer): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}

/** The document's value (null when it holds nothing), or undefined after a problem: a YAML alias bomb is reported here instead of exhausting memory. */
function valueOf(document: Document.Parsed, position: (offset: number) => SourceLocation, problems: Problem[]): unknown {
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // Stryker disable next-line OptionalChaining: a parsed node always has its range
    const where = position(document.contents?.range?.[0] ?? 0);
    problems.push({ severity: 'error', location: where, message: `YAML: ${error instanceof Error ? firstLine(error.message) : String(error)}` });
    return undefined;
  }
}

function sourceDocument(file: string, value: unknown, document: () => Document.Parsed, position: (offset: number) => SourceLocation): SourceDocument {
  // Stryker disable next-line OptionalChaining: a parsed node always has its range
  const start = () => position(document().contents?.range?.[0] ?? 0);
  return {
    file,
    value,
    get location() {
      return start();
    },
    locate(path, key = false) {
      let node: unknown = document().contents;
      let found: Node | undefined = document().contents ?? undefined;
      for (const [index, segment] of path.entries()) {
        if (isSeq(node)) {
          const item = node.items[Number(segment)];
          if (!item) break;
          found = item as Node;
          node = item;
          continue;
        }
        if (!isMap(node)) break;
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === segment);
        if (!pair) break;
        const last = index === path.length - 1;
        found = (last && key ? pair.key : (pair.value ?? pair.key)) as Node;
        node = pair.value;
      }
      return found?.range ? position(found.range[0]) : start();
    },
  };
}
