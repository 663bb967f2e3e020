/**
 * kro's `${...}` expressions: finding them in templates, telling standalone expressions (the
 * whole value, typed) from string templates (always strings), and evaluating their CEL with
 * @bufbuild/cel. kro enables cel-go's standard library plus several extension libraries; only
 * those @bufbuild/cel implements (the standard library and the strings extension) evaluate
 * here, the others are reported by name instead of failing obscurely.
 */
import { celEnv, celFunc, celList, celMethod, listType, celMap, isCelError, isCelList, isCelMap, isCelUint, parse, plan, type CelEnv, type CelInput, type CelValue, CelScalar } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';

/** A parsed CEL expression node (the cel.expr.Expr protobuf message). */
type Expr = ReturnType<typeof parse>['expr'];

/** One piece of a string: literal text or the CEL source between `${` and `}`. */
export type Segment = { readonly literal: string } | { readonly expression: string };

/**
 * Splits `text` into literal text and expressions. Braces and quotes inside an expression are
 * tracked, so that `${{"a": 1}}` and `${"${VAR}"}` end where kro ends them.
 */
export function segmentsOf(text: string): readonly Segment[] {
  // Stryker disable next-line ConditionalExpression,StringLiteral,BooleanLiteral: keeps the many strings without an expression out of the cache; split() makes the same of them
  if (!text.includes('${')) return split(text);
  let segments = segmentsByText.get(text);
  // Stryker disable next-line ConditionalExpression: a cache: split() again makes the same
  if (!segments) segmentsByText.set(text, (segments = split(text)));
  return segments;
}

/** The segments of each template string seen: an RGD's few hundred templates are split once, not once per instance. */
const segmentsByText = new Map<string, readonly Segment[]>();

function split(text: string): Segment[] {
  const segments: Segment[] = [];
  let literal = '';
  let i = 0;
  for (let start = text.indexOf('${'); start !== -1; start = text.indexOf('${', i)) {
    const end = closingBrace(text, start + 2);
    if (end === -1) break;
    literal += text.slice(i, start);
    if (literal) segments.push({ literal });
    literal = '';
    segments.push({ expression: text.slice(start + 2, end) });
    i = end + 1;
  }
  literal += text.slice(i);
  if (literal) segments.push({ literal });
  return segments;
}

function closingBrace(text: string, from: number): number {
  let depth = 0;
  let quote: string | undefined;
  // Stryker disable next-line EqualityOperator: text[text.length] is undefined, which no branch below takes
  for (let i = from; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === '\\') i++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '{') depth++;
    else if (char === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** Whether `text` is one expression and nothing else: kro then keeps the expression's type. */
export function isStandalone(segments: readonly Segment[]): boolean {
  return segments.length === 1 && 'expression' in segments[0];
}

/** A chain of field and constant-index accesses from a variable: `deployment.spec.replicas`. */
export interface Reference {
  readonly root: string;
  readonly path: readonly (string | number)[];
  /** Inside `has(...)`: the last field may be absent without making the expression fail. */
  readonly testOnly: boolean;
}

/** A parsed expression with what it refers to. */
export interface CompiledExpression {
  readonly source: string;
  readonly references: readonly Reference[];
  readonly expr: Expr;
  /** Whether it is one field reference and nothing else (`schema.spec.env`): its value is the field's, without CEL. */
  readonly plainReference: boolean;
}

/** CEL that does not parse; the message is @bufbuild/cel's. */
export class CelSyntaxError extends Error {}

const compiled = new Map<string, CompiledExpression>();

/** Parses CEL source once per distinct text, collecting its references. */
export function compile(source: string): CompiledExpression {
  const cached = compiled.get(source);
  if (cached) return cached;
  let expr: Expr;
  try {
    expr = parse(source).expr;
  } catch (error) {
    throw new CelSyntaxError(describeSyntaxError(source, (error as Error).message));
  }
  const references: Reference[] = [];
  collect(expr, new Set(), references);
  const plainReference = references.length === 1 && formatReference(references[0]) === source.trim();
  const result = { source, references, expr, plainReference };
  compiled.set(source, result);
  return result;
}

/** @bufbuild/cel's message, naming the word when it is a reserved one (`namespace`, `package`...: cel-go rejects them too). */
function describeSyntaxError(source: string, message: string): string {
  // @bufbuild/cel's message is exactly `<input>:<line>:<column>: reserved identifier`, and the word starts there.
  const reserved = /<input>:(\d+):(\d+): reserved identifier/.exec(message);
  if (!reserved) return message;
  const line = source.split('\n')[Number(reserved[1]) - 1];
  const word = /\w+/.exec(line.slice(Number(reserved[2]) - 1))![0];
  return `${message} "${word}" (CEL reserves it; kro's cel-go rejects it as well)`;
}

function collect(expr: Expr, bound: ReadonlySet<string>, references: Reference[]): void {
  const reference = referenceOf(expr);
  if (reference && !bound.has(reference.root)) {
    references.push(reference);
    return;
  }
  const kind = expr.exprKind;
  switch (kind.case) {
    case 'selectExpr':
      if (kind.value.operand) collect(kind.value.operand, bound, references);
      return;
    case 'callExpr': {
      const { target, args } = kind.value;
      if (target && !isFunctionNamespace(target)) collect(target, bound, references);
      for (const arg of args) collect(arg, bound, references);
      return;
    }
    case 'listExpr':
      for (const element of kind.value.elements) collect(element, bound, references);
      return;
    case 'structExpr':
      for (const entry of kind.value.entries) {
        if (entry.keyKind.case === 'mapKey') collect(entry.keyKind.value, bound, references);
        if (entry.value) collect(entry.value, bound, references);
      }
      return;
    case 'comprehensionExpr': {
      const comprehension = kind.value;
      if (comprehension.iterRange) collect(comprehension.iterRange, bound, references);
      if (comprehension.accuInit) collect(comprehension.accuInit, bound, references);
      const inner = new Set([...bound, comprehension.iterVar, comprehension.iterVar2, comprehension.accuVar]);
      for (const part of [comprehension.loopCondition, comprehension.loopStep, comprehension.result]) {
        if (part) collect(part, inner, references);
      }
    }
  }
}

/** `base64` in `base64.encode(x)`: the receiver of a call names a function namespace (a variable of that name is no reference either). */
function isFunctionNamespace(target: Expr): boolean {
  return target.exprKind.case === 'identExpr' && NAMESPACES.has(target.exprKind.value.name);
}

/** Function namespaces of the libraries kro enables (cel-go ext, Kubernetes, kro's own). */
const NAMESPACES = new Set(['base64', 'lists', 'sets', 'math', 'strings', 'cel', 'json', 'random', 'hash', 'optional', 'maps', 'runtime']);

/** The field `expr` reads, when it is a name followed by fields and constant indexes (`has(a.b)` tests the last field only). */
function referenceOf(expr: Expr): Reference | undefined {
  const kind = expr.exprKind;
  if (kind.case === 'identExpr') return { root: kind.value.name, path: [], testOnly: false };
  if (kind.case === 'selectExpr' && kind.value.operand) {
    const operand = referenceOf(kind.value.operand);
    return operand && { ...operand, path: [...operand.path, kind.value.field], testOnly: kind.value.testOnly };
  }
  if (kind.case === 'callExpr' && kind.value.function === '_[_]' && !kind.value.target) {
    const [operandExpr, indexExpr] = kind.value.args;
    const index = constantIndex(indexExpr);
    const operand = referenceOf(operandExpr);
    return operand && index !== undefined ? { ...operand, path: [...operand.path, index] } : undefined;
  }
  return undefined;
}

function constantIndex(expr: Expr): string | number | undefined {
  if (expr.exprKind.case !== 'constExpr') return undefined;
  const constant = expr.exprKind.value.constantKind;
  if (constant.case === 'stringValue') return constant.value;
  if (constant.case === 'int64Value' || constant.case === 'uint64Value') return Number(constant.value);
  return undefined;
}

/** Functions of the libraries kro enables that @bufbuild/cel does not implement, by library. */
const KRO_ONLY_LIBRARIES: Readonly<Record<string, readonly string[]>> = {
  'cel-go ext.Lists': ['lists.range', 'slice', 'flatten', 'distinct', 'reverse', 'sortBy', 'first', 'last'],
  'cel-go ext.Encoders': ['base64.encode', 'base64.decode'],
  'cel-go ext.Bindings': ['cel.bind'],
  'cel-go ext.TwoVarComprehensions': ['transformMap', 'transformMapEntry', 'transformList'],
  'cel-go optional types': ['optional.of', 'optional.ofNonZeroValue', 'optional.none', 'orValue', 'hasValue', 'value', 'or'],
  'Kubernetes lists': ['isSorted', 'sum', 'min', 'max', 'indexOf', 'lastIndexOf'],
  'Kubernetes regex/URLs/quantity/IP/CIDR/semver': ['find', 'findAll', 'url', 'isURL', 'quantity', 'isQuantity', 'ip', 'isIP', 'cidr', 'isCIDR', 'semver', 'isSemver'],
  'kro': ['random.seededString', 'json.marshal', 'json.unmarshal', 'hash.sha256', 'hash.md5', 'hash.fnv64a', 'lists.setAtIndex', 'lists.insertAtIndex', 'lists.removeAtIndex', 'merge'],
};

/** The kro library that provides `name` when @bufbuild/cel does not, or undefined. */
export function kroOnlyLibraryOf(name: string): string | undefined {
  return Object.entries(KRO_ONLY_LIBRARIES).find(([, names]) => names.includes(name))?.[0];
}

/**
 * What kro's omit() returns (its CELOmitFunction feature gate, which the platform enables): the
 * field or list element holding it is dropped from the rendered object (see `withoutOmitted`).
 */
export const OMITTED = '\u0000kro.omit()\u0000';

const omit = celFunc('omit', [], CelScalar.STRING, () => OMITTED);

/** cel-go ext.Lists' `sort()` of strings or numbers, which kro enables and @bufbuild/cel lacks. */
const sort = celMethod('sort', listType(CelScalar.DYN), [], listType(CelScalar.DYN), function () {
  return celList([...this].sort(ascending));
});

/** The order of two CEL strings or numbers. */
function ascending(a: unknown, b: unknown): number {
  // Stryker disable next-line EqualityOperator: -1 instead of 0 for two equal values only swaps values no one can tell apart
  if ((a as string | bigint) < (b as string | bigint)) return -1;
  // Stryker disable next-line all: V8's sort asks only whether the result is negative, so 1 or 0 here changes nothing
  return (a as string | bigint) > (b as string | bigint) ? 1 : 0;
}

/** `value` without the map keys and list elements kro's omit() removed (kro's cleanOmitSentinels). */
export function withoutOmitted(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== OMITTED).map(withoutOmitted);
  if (typeof value !== 'object' || value === null || value instanceof Unresolved) return value;
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== OMITTED).map(([key, item]) => [key, withoutOmitted(item)]));
}

let environment: CelEnv | undefined;

/** The outcome of evaluating an expression: a plain JSON-like value or CEL's error message. */
export type Evaluation = { readonly value: unknown } | { readonly error: string };

/**
 * Evaluates `expression` with `bindings` (plain JSON-like values; integers become CEL ints as
 * Kubernetes' JSON decoding makes them int64) and returns a plain value: ints stay integers,
 * maps become objects, lists arrays.
 */
export function evaluate(expression: CompiledExpression, bindings: Readonly<Record<string, unknown>>): Evaluation {
  // Only the variables the expression names: the others (every resource rendered so far) would be
  // converted for nothing. Every unbound identifier of an expression is among its references.
  const input: Record<string, CelInput> = {};
  for (const { root } of expression.references) {
    // Stryker disable next-line LogicalOperator,ConditionalExpression: saves work only: @bufbuild/cel treats a name bound to undefined as unbound, and a variable named twice converts to the same (cached) value
    if (root in bindings && !(root in input)) input[root] = celValueOf(bindings[root]);
  }
  try {
    const result = programOf(expression)(input);
    if (isCelError(result)) return { error: describeCelError(result.message) };
    return { value: fromCel(result) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** The planned program of each expression, made once: planning costs more than most evaluations. */
const programs = new WeakMap<CompiledExpression, ReturnType<typeof plan>>();

function programOf(expression: CompiledExpression): ReturnType<typeof plan> {
  let program = programs.get(expression);
  // Stryker disable next-line ConditionalExpression: a cache: planning again makes the same program
  if (!program) {
    environment ??= celEnv({ funcs: [...strings, omit, sort] });
    programs.set(expression, (program = plan(environment, expression.expr)));
  }
  return program;
}

function describeCelError(message: string): string {
  const unbound = /unbound function: (\S+)/.exec(message);
  if (!unbound) return message;
  const library = kroOnlyLibraryOf(unbound[1]) ?? Object.keys(KRO_ONLY_LIBRARIES).find((name) => KRO_ONLY_LIBRARIES[name].some((fn) => fn.endsWith(`.${unbound[1]}`)));
  return library
    ? `function ${unbound[1]} (${library}, enabled by kro) is not supported by the offline preview`
    : `unknown function ${unbound[1]}`;
}

/**
 * The CEL value of each map or list bound so far: a variable such as `schema` is read by many
 * expressions of one instance, and is converted once. Bound values are never changed.
 */
const celValues = new WeakMap<object, CelInput>();

function celValueOf(value: unknown): CelInput {
  if (typeof value !== 'object' || value === null || value instanceof Unresolved) return toCel(value);
  let converted = celValues.get(value);
  // Stryker disable next-line ConditionalExpression: a cache: converting again makes the same value
  if (converted === undefined) celValues.set(value, (converted = toCel(value)));
  return converted;
}

function toCel(value: unknown): CelInput {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return celList(value.map(toCel));
  if (typeof value === 'object' && value !== null) {
    if (value instanceof Unresolved) return value.toString();
    return celMap(new Map(Object.entries(value).map(([key, item]) => [key, toCel(item)])));
  }
  return value as CelInput;
}

function fromCel(value: CelValue): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (isCelUint(value)) return Number(value.value);
  if (isCelList(value)) return [...value].map(fromCel);
  if (isCelMap(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of value) result[String(isCelUint(key) ? key.value : key)] = fromCel(item);
    return result;
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}

/**
 * A value only the cluster knows (a status field, a field the API server fills in): shown as
 * `<unresolved: deployment.status.availableReplicas>` in the preview.
 */
export class Unresolved {
  /** `text` is the whole rendered string when the placeholder sits inside a string template. */
  constructor(
    readonly reference: string,
    private readonly text?: string,
  ) {}

  toString(): string {
    return this.text ?? `<unresolved: ${this.reference}>`;
  }
}

/** `deployment.spec.containers[0].image`, for messages and placeholders. */
export function formatReference(reference: Pick<Reference, 'root' | 'path'>): string {
  return reference.path.reduce<string>(
    (text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : /^[A-Za-z_]\w*$/.test(segment) ? `${text}.${segment}` : `${text}["${segment}"]`),
    reference.root,
  );
}
