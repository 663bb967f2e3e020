import * as fs from 'fs';
import { Document, isMap, isPair, isScalar, LineCounter, Node, parseAllDocuments } from 'yaml';
import { SourceLocation } from './model';
import { Problem } from './problems';

/** Team files larger than this are not configuration; refusing them keeps synth fast. */
const MAX_FILE_BYTES = 256 * 1024;

/** One YAML document of a team file, with the means to point at any of its fields. */
export interface SourceDocument {
  readonly file: string;
  readonly value: unknown;
  /** Where the document starts. */
  readonly location: SourceLocation;
  /** Where the value (or, with `key`, the key) at `path` is, or the closest parent that exists. */
  locate(path: readonly (string | number)[], key?: boolean): SourceLocation;
}

/**
 * Reads one file's documents. Whatever is wrong with the file (not UTF-8, binary, too large,
 * YAML syntax, duplicate keys, alias bombs, empty) becomes a problem, never an exception.
 */
export function readDocuments(absolutePath: string, file: string, problems: Problem[]): SourceDocument[] {
  const at = (line = 1, col = 1): SourceLocation => ({ file, line, col });
  const bytes = fs.readFileSync(absolutePath);
  if (bytes.length > MAX_FILE_BYTES) {
    problems.push({ severity: 'error', location: at(), message: `file is ${bytes.length} bytes, more than the ${MAX_FILE_BYTES} a team file may have` });
    return [];
  }
  const text = decodeUtf8(bytes);
  if (text === undefined) {
    problems.push({ severity: 'error', location: at(), message: 'file is not UTF-8 text (binary content?); team files must be YAML' });
    return [];
  }
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const position = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return at(line, col);
  };
  if (!Array.isArray(documents)) {
    problems.push({ severity: 'error', location: at(), message: 'file is empty: add a document or delete the file' });
    return [];
  }
  const result: SourceDocument[] = [];
  for (const document of documents) {
    const errors = [...document.errors, ...document.warnings.filter(() => false)];
    for (const error of errors) problems.push({ severity: 'error', location: position(error.pos[0]), message: `YAML: ${firstLine(error.message)}` });
    if (errors.length) continue;
    const value = toValue(document, position, problems);
    // An empty document (a trailing `---`, or `--- ~`) declares nothing, as for kubectl.
    if (value !== undefined && value !== null) result.push(sourceDocument(file, document, value, position));
  }
  if (!result.length && !problems.some((problem) => problem.location.file === file)) {
    problems.push({ severity: 'error', location: at(), message: 'file holds no document: add one or delete the file' });
  }
  return result;
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

/** The document as plain data; a YAML alias bomb stops here instead of exhausting memory. */
function toValue(document: Document.Parsed, position: (offset: number) => SourceLocation, problems: Problem[]): unknown {
  try {
    return document.toJS({ maxAliasCount: 50 });
  } catch (error) {
    const where = position(document.contents?.range?.[0] ?? 0);
    problems.push({ severity: 'error', location: where, message: `YAML: ${error instanceof Error ? firstLine(error.message) : String(error)}` });
    return undefined;
  }
}

function sourceDocument(file: string, document: Document.Parsed, value: unknown, position: (offset: number) => SourceLocation): SourceDocument {
  const start = position(document.contents?.range?.[0] ?? 0);
  return {
    file,
    value,
    location: start,
    locate(path, key = false) {
      let node: unknown = document.contents;
      let found: Node | undefined = document.contents ?? undefined;
      for (let index = 0; index < path.length; index++) {
        if (!isMap(node)) break;
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === path[index]);
        if (!pair) break;
        const last = index === path.length - 1;
        found = (last && key ? pair.key : (pair.value ?? pair.key)) as Node;
        node = pair.value;
      }
      return found?.range ? position(found.range[0]) : start;
    },
  };
}
