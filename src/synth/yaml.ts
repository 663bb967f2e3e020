import * as jsYaml from 'js-yaml';

const { dump } = jsYaml;
/** js-yaml's own types (its index exports them as `types`; @types/js-yaml leaves them out). */
const { types } = jsYaml as unknown as { readonly types: Record<'null' | 'bool' | 'int' | 'float' | 'timestamp' | 'merge', jsYaml.Type> };

/**
 * Renders `value` the same way everywhere: block style, no line folding, no anchors, exactly as
 * js-yaml's `dump(value, { lineWidth: -1, noRefs: true })` does. js-yaml writes the documents of
 * a large synth ten times faster than the `yaml` package (which serves where positions matter:
 * reading team files), and the common case is written faster still by `blockYaml`: plain data
 * whose strings are single lines of printable ASCII, which is nearly every document synth writes.
 * Any other document is js-yaml's to write. The tests compare both on every document of dist/
 * and on strings chosen to hit each of js-yaml's rules.
 */
export function toYaml(value: unknown): string {
  try {
    const text = blockNode(value, 0, true);
    return text === undefined ? '' : `${text}\n`;
  } catch (error) {
    // Stryker disable next-line ConditionalExpression: blockNode throws nothing but NOT_SIMPLE, so there is no other error to pass on
    if (error !== NOT_SIMPLE) throw error;
    return dump(value, { lineWidth: -1, noRefs: true });
  }
}

/** Thrown where `blockNode` meets what it leaves to js-yaml. */
const NOT_SIMPLE = Symbol('not simple');

/** Strings js-yaml reads as another type: these are quoted (js-yaml's DEFAULT_SCHEMA implicit types, in its order). */
const IMPLICIT_TYPES = [types.null, types.bool, types.int, types.float, types.timestamp, types.merge];
/** The words among them (null, bool, merge); every other string they read starts like a number or timestamp: others need no test. */
const IMPLICIT_WORDS = new Set(['~', 'null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', '<<']);
// Stryker disable next-line Regex: a prefilter only: what it lets through is asked of the implicit types themselves
const NUMBER_LIKE = /^[-+.0-9_]/;

/** YAML 1.1 booleans and base-60 numbers, which js-yaml quotes for older readers (without escaping). */
const DEPRECATED_BOOLEANS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);
const DEPRECATED_BASE60 = /^[-+]?[0-9_]+(?::[0-9_]+)+(?:\.[0-9_]*)?$/;

/** One line of printable ASCII: the strings whose style `simpleScalar` decides as js-yaml would. */
// Stryker disable next-line Regex: decides only which of the two writes a string, and both write it the same (the tests compare them); a narrower test costs time only
const PRINTABLE_ASCII_LINE = /^[\x20-\x7e]+$/;
/** First characters a plain scalar may not start with: whitespace and YAML's indicators. */
const NOT_PLAIN_FIRST = new Set([...' -?:,[]{}#&*!|=>\'"%@`']);

/**
 * js-yaml's writeNode for block context, for null, booleans, numbers, strings, arrays and plain
 * objects; undefined for `undefined` (a mapping leaves the pair out).
 */
function blockNode(value: unknown, level: number, compact: boolean): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) return 'null';
  // Stryker disable next-line ConditionalExpression: without it a boolean is left to js-yaml, which writes the same
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'string') return simpleScalar(value);
  if (Array.isArray(value)) return value.length ? blockSequence(value, level, compact) : '[]';
  // Stryker disable next-line EqualityOperator,StringLiteral: leaving a plain object to js-yaml too writes the same, slower
  if (Object.prototype.toString.call(value) !== '[object Object]') throw NOT_SIMPLE;
  return Object.keys(value).length ? blockMapping(value as Record<string, unknown>, level, compact) : '{}';
}

/** js-yaml's int (decimal) and float (lowercase) representations. */
function numberText(value: number): string {
  if (Number.isInteger(value) && !Object.is(value, -0)) return value.toString(10);
  if (Number.isNaN(value)) return '.nan';
  if (value === Infinity) return '.inf';
  if (value === -Infinity) return '-.inf';
  if (Object.is(value, -0)) return '-0.0';
  const text = value.toString(10);
  // An exponent form without a point (`5e-100`) is one digit before the e; js-yaml adds the point.
  return /^-?[0-9]e/.test(text) ? text.replace('e', '.e') : text;
}

/** js-yaml's writeBlockMapping (keys in insertion order, an explicit `? ` for a key over 1024 characters). */
function blockMapping(object: Record<string, unknown>, level: number, compact: boolean): string {
  let result = '';
  for (const key of Object.keys(object)) {
    const value = blockNode(object[key], level + 1, false);
    if (value === undefined) continue;
    const written = keyScalar(key);
    // Stryker disable next-line EqualityOperator: a key of 1024 characters left to js-yaml is written the same
    if (written.length > 1024) throw NOT_SIMPLE;
    const start = !compact || result !== '' ? `\n${'  '.repeat(level)}` : '';
    // A nested mapping or sequence starts on its own line, after `key:`.
    result += `${start}${written}${value.charCodeAt(0) === 10 ? ':' : ': '}${value}`;
  }
  return result || '{}';
}

/** Keys written so far, as simpleScalar writes them: a synth writes the same few hundred keys millions of times. */
const KEYS = new Map<string, string>();
/** Keys remembered at most: those of team data (ConfigMap keys, environment variables) have no bound. */
const KEYS_KEPT = 4096;

/** `key` as simpleScalar writes it. */
function keyScalar(key: string): string {
  return KEYS.get(key) ?? remembered(key, simpleScalar(key));
}

function remembered(key: string, written: string): string {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a bound on memory only: remembering every key writes the same
  if (KEYS.size < KEYS_KEPT) KEYS.set(key, written);
  return written;
}

/** js-yaml's writeBlockSequence (an `undefined` item is written as null). */
function blockSequence(items: readonly unknown[], level: number, compact: boolean): string {
  let result = '';
  for (const item of items) {
    const value = blockNode(item === undefined ? null : item, level + 1, true)!;
    if (!compact || result !== '') result += `\n${'  '.repeat(level)}`;
    // js-yaml writes `-` alone before an item that starts on a new line: items here are written compact, so none does.
    result += `- ${value}`;
  }
  return result;
}

/**
 * js-yaml's writeScalar for a string in block context, key or value, when it is one line of
 * printable ASCII (otherwise NOT_SIMPLE; keys and values differ only in how multi-line strings
 * are written): plain when js-yaml's chooseScalarStyle allows it (a safe first and last
 * character, no `: ` and no ` #`) and no implicit type reads it as something else, else
 * single-quoted.
 */
function simpleScalar(text: string): string {
  // Stryker disable next-line ConditionalExpression: without it the empty string is left to js-yaml, which writes the same
  if (text.length === 0) return "''";
  if (DEPRECATED_BOOLEANS.has(text) || DEPRECATED_BASE60.test(text)) return `'${text}'`;
  // Stryker disable next-line ConditionalExpression: leaving every string to js-yaml writes the same, slower
  if (!PRINTABLE_ASCII_LINE.test(text)) throw NOT_SIMPLE;
  const last = text[text.length - 1];
  // The cheap tests first: a long JSON text starts with `{`, which rules plain out at once.
  const plain = !NOT_PLAIN_FIRST.has(text[0]) && last !== ' ' && last !== ':' && !text.includes(': ') && !text.includes(' #');
  // Stryker disable next-line ConditionalExpression: the words and NUMBER_LIKE only spare asking the implicit types
  if (plain && !((IMPLICIT_WORDS.has(text) || NUMBER_LIKE.test(text)) && IMPLICIT_TYPES.some((type) => type.resolve(text)))) return text;
  return `'${text.replace(/'/g, "''")}'`;
}
