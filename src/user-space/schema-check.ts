import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { AbstractionApi, documentSchema } from '../../abstractions/api';
import { Field } from '../../abstractions/schema';
import { ABSTRACTION_APIS } from '../../abstractions/apis';
import { PATTERNS } from '../../abstractions/fields';
import { PLATFORM } from '../../config/platform';
import { SourceDocument } from './documents';
import { hasPath } from './merge';
import { Problem } from './problems';

/** A compiled check of one abstraction's documents against its JSON Schema. */
interface KindCheck {
  readonly abstraction: AbstractionApi;
  readonly validate: ValidateFunction;
}

let checks: Map<string, KindCheck> | undefined;

/** Compiled once per process: ajv compilation costs more than validating thousands of documents. */
function kindChecks(): Map<string, KindCheck> {
  if (!checks) {
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    checks = new Map(ABSTRACTION_APIS.map((abstraction) => [abstraction.kind, { abstraction, validate: ajv.compile(documentSchema(abstraction, PLATFORM.abstractionApiVersion)) }]));
  }
  return checks;
}

/** Every problem of `value` (a document, possibly merged with a cluster override) against its kind's schema. */
export function checkAgainstSchema(abstraction: AbstractionApi, value: unknown, sources: readonly SourceDocument[]): Problem[] {
  const { validate } = kindChecks().get(abstraction.kind)!;
  if (validate(value)) return [];
  const subject = describe(abstraction, value);
  return (validate.errors ?? []).filter(isReportable).map((error) => toProblem(error, abstraction, subject, sources));
}

/** `if`/`anyOf` wrappers repeat what their branches say. */
function isReportable(error: ErrorObject): boolean {
  return error.keyword !== 'if';
}

function describe(abstraction: AbstractionApi, value: unknown): string {
  const name = (value as { metadata?: { name?: unknown } })?.metadata?.name;
  return typeof name === 'string' ? `${abstraction.kind} ${name}` : abstraction.kind;
}

function toProblem(error: ErrorObject, abstraction: AbstractionApi, subject: string, sources: readonly SourceDocument[]): Problem {
  const path = error.instancePath.split('/').slice(1).map(decodePointer);
  const { message, at, key } = explain(error, path, abstraction);
  return { severity: 'error', location: locate(sources, at, key), message: `${subject}: ${message}` };
}

function decodePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The field a spec path names, for its hint. */
function fieldAt(abstraction: AbstractionApi, path: readonly string[]): Field | undefined {
  return path[0] === 'spec' && path.length === 2 ? abstraction.spec[path[1]] : undefined;
}

/** Names (metadata.name and namespace, and their copies in spec) all share the DNS label pattern. */
const DNS_LABEL_HINT = 'a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit';

function explain(error: ErrorObject, path: string[], abstraction: AbstractionApi): { message: string; at: string[]; key: boolean } {
  const where = path.join('.') || 'the document';
  const params = error.params as Record<string, unknown>;
  const hint = fieldAt(abstraction, path)?.hint ?? (params.pattern === PATTERNS.dnsLabel ? DNS_LABEL_HINT : undefined);
  const withHint = (text: string) => (hint ? `${text} (${hint})` : text);
  switch (error.keyword) {
    case 'additionalProperty':
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const known = knownFields(abstraction, path);
      const suggestion = closest(field, known);
      const tip = suggestion ? `did you mean "${suggestion}"?` : `known fields: ${known.join(', ')}`;
      return { message: `unknown field ${[...path, field].join('.')}: ${tip}`, at: [...path, field], key: true };
    }
    case 'required':
      return { message: `${[...path, String(params.missingProperty)].join('.')} is required${requiredHint(abstraction, path, String(params.missingProperty))}`, at: path, key: false };
    case 'type':
      return { message: withHint(`${where} must be ${article(String(params.type))}, not ${JSON.stringify(error.data)}`), at: path, key: false };
    case 'const':
      return { message: `${where} must be ${JSON.stringify(params.allowedValue)}`, at: path, key: false };
    case 'enum':
      return { message: `${where} must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`, at: path, key: false };
    case 'minimum':
    case 'maximum':
      return { message: `${where} is ${JSON.stringify(error.data)} but must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${String(params.limit)}`, at: path, key: false };
    case 'minLength':
    case 'maxLength':
      return { message: withHint(`${where} must have ${error.keyword === 'minLength' ? 'at least' : 'at most'} ${String(params.limit)} characters`), at: path, key: false };
    case 'pattern':
      return { message: hint ? `${where} ${JSON.stringify(error.data)} is not valid: ${hint}` : `${where} ${JSON.stringify(error.data)} must match ${String(params.pattern)}`, at: path, key: false };
    default:
      return { message: `${where} ${error.message ?? 'is not valid'}`, at: path, key: false };
  }
}

function requiredHint(abstraction: AbstractionApi, path: string[], missing: string): string {
  const field = path.length === 1 && path[0] === 'spec' ? abstraction.spec[missing] : undefined;
  return field ? `: ${field.description}` : '';
}

function knownFields(abstraction: AbstractionApi, path: string[]): string[] {
  if (path.length === 0) return ['apiVersion', 'kind', 'metadata', 'spec'];
  if (path[0] === 'metadata') return abstraction.scope === 'Namespaced' ? ['name', 'namespace'] : ['name'];
  return Object.keys(abstraction.spec);
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** The known name within two edits of `name`, if there is exactly one best. */
function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}

/** The first source (a cluster override before its base) that has the path; else the first's document. */
function locate(sources: readonly SourceDocument[], path: string[], key: boolean): ReturnType<SourceDocument['locate']> {
  for (const source of sources) {
    if (hasPath(source.value, path)) return source.locate(path, key);
  }
  return sources[sources.length - 1].locate(path, key);
}
