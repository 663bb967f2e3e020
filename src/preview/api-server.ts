/**
 * Checks what kro creates for team instances the way the API server will (api-server-rules.ts),
 * and reports each refusal on the team's field whose value caused it: the RGD template at the
 * offending path holds a `${schema...}` expression, and the instance field it reads is located in
 * the team's file.
 *
 * The preview checks every object it expands. validate and synth, which must stay fast for
 * thousands of teams, expand only what team values reach (`teamValueGraphs`): each template
 * pruned to the values whose expressions read nothing but the instance. What is left out is
 * the platform's own text, or values taken from other resources, which are checked where they
 * are made.
 */
import type { Instance, SourceLocation, TeamInstances } from '../user-space/model';
import type { Problem } from '../user-space/problems';
import { apiServerViolations, checkedPaths, type ApiServerViolation } from './api-server-rules';
import { compile, segmentsOf, type Reference } from './expressions';
import { expandInstance, type ExpandedResource } from './expand';
import { indexRgds, type ResourceDefinition, type Rgd, type RgdSet } from './rgd';
import { isRecord } from './simple-schema';

/** Where a field of an instance is written in its team's file (see user-space locateField). */
export type FieldLocator = (instance: Instance, at: readonly (string | number)[], key: boolean) => SourceLocation | undefined;

/** Problems for every value of `resource` the API server would refuse. */
export function apiServerProblems(resource: ExpandedResource, locate: FieldLocator, fallback: SourceLocation): Problem[] {
  const definition = resource.rgd.resources.find((candidate) => candidate.id === resource.resourceId);
  return apiServerViolations(resource.object).map((violation) => problemOf(resource, definition, violation, locate, fallback));
}

/**
 * What validate and synth report: every cluster's teams checked against that cluster's RGDs,
 * cut down to the team values; a problem found on several clusters is reported once.
 */
export function apiServerProblemsOf(teamsFor: (cluster: string) => readonly TeamInstances[], clusters: readonly string[], rgdsFor: (cluster: string) => RgdSet, locate: FieldLocator): Problem[] {
  return new ApiServerCheck(clusters, rgdsFor, locate).problemsOf(teamsFor);
}

/** The check of `apiServerProblemsOf`, with each cluster's graphs pruned once, for one team after another. */
export class ApiServerCheck {
  private readonly clusters: readonly { readonly name: string; readonly graphs: RgdSet; readonly signature: string }[];

  constructor(
    clusters: readonly string[],
    rgdsFor: (cluster: string) => RgdSet,
    private readonly locate: FieldLocator,
  ) {
    this.clusters = clusters.map((name) => {
      const graphs = teamValueGraphs(rgdsFor(name));
      return { name, graphs, signature: JSON.stringify(graphs.rgds.map((rgd) => [rgd.apiVersion, rgd.kind, rgd.resources])) };
    });
  }

  /** The problems of `teamsFor` (every team, or one), each once. */
  problemsOf(teamsFor: (cluster: string) => readonly TeamInstances[]): Problem[] {
    const seen = new Map<string, Problem>();
    // An instance without a cluster override is one object on every cluster, and clusters whose
    // graphs agree on what team values reach make the same objects of it: checked once.
    const checked = new Map<string, WeakSet<Instance>>();
    for (const { name, graphs, signature } of this.clusters) {
      const done = checked.get(signature) ?? new WeakSet<Instance>();
      checked.set(signature, done);
      for (const problem of checkTeamsAgainstApiServer(teamsFor(name), graphs, this.locate, done)) {
        seen.set(`${problem.location.file}:${problem.location.line}:${problem.location.col} ${problem.message}`, problem);
      }
    }
    return [...seen.values()];
  }
}

/** What validate and synth check of `teams` against `rgds` (already pruned by `teamValueGraphs`), skipping instances in `done`. */
function checkTeamsAgainstApiServer(teams: readonly TeamInstances[], rgds: RgdSet, locate: FieldLocator, done = new WeakSet<Instance>()): Problem[] {
  const problems: Problem[] = [];
  for (const team of teams) {
    for (const instance of [team.workspace, ...team.instances]) {
      // Stryker disable next-line ConditionalExpression: saves work only: problemsOf reports a problem found twice once
      if (done.has(instance)) continue;
      done.add(instance);
      // Positions cost a second parse of the file: worked out only for a problem.
      // Stryker disable next-line ArrayDeclaration,BooleanLiteral: the document itself: a path not in the file is located at its closest ancestor, the document, and the document has no key
      const source = lazyLocation(() => locate(instance, [], false) ?? { file: `user-space/${team.team}`, line: 1, col: 1 });
      const expansion = expandInstance(instance, rgds, source);
      for (const resource of expansion.resources) problems.push(...apiServerProblems(resource, locate, source));
    }
  }
  return problems;
}

/** A location computed when first read. */
function lazyLocation(compute: () => SourceLocation): SourceLocation {
  let location: SourceLocation | undefined;
  const get = () => (location ??= compute());
  return {
    get file() {
      return get().file;
    },
    get line() {
      return get().line;
    },
    get col() {
      return get().col;
    },
  };
}

/**
 * `rgds` with each template cut down to the values that come from the instance alone and that
 * the API server's rules read (checkedPaths); a resource that is an instance of another of the
 * RGDs keeps every instance-derived value, which its own expansion reads.
 */
export function teamValueGraphs(rgds: RgdSet): RgdSet {
  const kinds = new Set(rgds.rgds.map((rgd) => `${rgd.apiVersion} ${rgd.kind}`));
  const pruned = rgds.rgds.map((rgd): Rgd => ({ ...rgd, resources: rgd.resources.flatMap((resource) => teamValuesOf(resource, kinds)), status: {} }));
  return indexRgds(pruned, []);
}

/** A resource with only its checked instance-derived values; none when it cannot be expanded from the instance alone. */
function teamValuesOf(resource: ResourceDefinition, rgdKinds: ReadonlySet<string>): ResourceDefinition[] {
  if (!resource.forEach.every((iterator) => readsOnlyInstance(iterator.expression))) return [];
  const { apiVersion, kind } = resource.template as { apiVersion?: unknown; kind?: unknown };
  const checked = rgdKinds.has(`${String(apiVersion)} ${String(kind)}`) ? undefined : checkedPaths(String(apiVersion), String(kind));
  const template = prune(keepOnly(resource.template, checked), true);
  if (!isRecord(template) || Object.keys(template).length <= 2) return [];
  return [{ ...resource, template, readyWhen: [], includeWhen: resource.includeWhen.filter(readsOnlyInstance) }];
}

/** `template` with only apiVersion, kind and what is below `paths` (all of it without paths). */
function keepOnly(template: unknown, paths: readonly (readonly string[])[] | undefined, at: readonly string[] = []): unknown {
  if (!paths || !isRecord(template)) return template;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    const here = [...at, key];
    if (at.length === 0 && (key === 'apiVersion' || key === 'kind')) result[key] = value;
    // A path that `here` is below, or is: kept whole. (A longer path never matches, as `here` has nothing at its last segments.)
    else if (paths.some((path) => path.every((segment, index) => segment === here[index]))) result[key] = value;
    // A path below `here`: kept down to it. (A path as long or shorter was met by the line above.)
    else if (paths.some((path) => here.every((segment, index) => segment === path[index]))) result[key] = keepOnly(value, paths, here);
  }
  return result;
}

/**
 * The parts of `value` that hold instance-derived expressions. apiVersion and kind stay (they say
 * which rules apply); a list keeps its length, with null for what is cut, so paths still match
 * the full template's.
 */
function prune(value: unknown, top = false): unknown {
  if (typeof value === 'string') return value.includes('${') && readsOnlyInstance(value) ? value : undefined;
  if (Array.isArray(value)) {
    const items = value.map((item) => prune(item) ?? null);
    return items.some((item) => item !== null) ? items : undefined;
  }
  if (!isRecord(value)) return undefined;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const kept = top && (key === 'apiVersion' || key === 'kind') ? item : prune(item);
    if (kept !== undefined) result[key] = kept;
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

/** Whether every expression in `text` reads the instance (`schema`) and nothing else. */
function readsOnlyInstance(text: string): boolean {
  return segmentsOf(text).every((segment) => !('expression' in segment) || compile(segment.expression).references.every((reference) => reference.root === 'schema'));
}

/**
 * The instance field behind the value at `path` of a template: the `${...}` met on the way down
 * (a map-valued expression, or a string), its first `schema.spec`/`schema.metadata` reference,
 * and the rest of the path below it (a key of a map the team wrote). A refused `key` the template
 * spells out itself is the platform's, whatever its value holds.
 */
function teamFieldOf(template: unknown, path: readonly (string | number)[], key: boolean): { at: (string | number)[]; below: (string | number)[] } | undefined {
  let node = template;
  for (let depth = 0; depth <= path.length; depth++) {
    // A string without `${` holds no reference: the platform's text.
    if (typeof node === 'string') {
      if (key && depth === path.length) return undefined;
      const reference = schemaReference(node);
      return reference ? { at: [...reference.path], below: [...path.slice(depth)] } : undefined;
    }
    // Stryker disable next-line ConditionalExpression,LogicalOperator: walking on past the path's end or through a leaf meets no `${` either (a violation's path never runs through null)
    if (depth === path.length || node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[path[depth]];
  }
  return undefined;
}

function schemaReference(text: string): Pick<Reference, 'path'> | undefined {
  for (const segment of segmentsOf(text)) {
    if (!('expression' in segment)) continue;
    const reference = compile(segment.expression).references.find((candidate) => candidate.root === 'schema' && (candidate.path[0] === 'spec' || candidate.path[0] === 'metadata'));
    if (reference) return reference;
  }
  return undefined;
}

function problemOf(resource: ExpandedResource, definition: ResourceDefinition | undefined, violation: ApiServerViolation, locate: FieldLocator, fallback: SourceLocation): Problem {
  const { instance, object } = resource;
  const metadata = (isRecord(object.metadata) ? object.metadata : {}) as { name?: unknown; namespace?: unknown };
  const target = `${String(object.kind)} ${metadata.namespace ? `${String(metadata.namespace)}/` : ''}${String(metadata.name)}`;
  const where = describePath(violation.path, violation.key, object);
  const origin = definition ? teamFieldOf(definition.template, violation.path, violation.key) : undefined;
  const refusal = `which the API server refuses: ${violation.message}`;
  if (!origin) {
    return {
      severity: 'error',
      location: fallback,
      message: `${instance.kind} ${instance.metadata.name}: ${where} of ${target} (resource "${resource.resourceId}" of ${resource.rgd.kind}, the platform's template), ${refusal}`,
    };
  }
  const field = [...origin.at, ...origin.below];
  const fieldText = violation.key ? `${origin.at.join('.')} key ${JSON.stringify(String(field[field.length - 1]))}` : `${field.join('.')}`;
  return {
    severity: 'error',
    location: locate(instance, field, violation.key) ?? fallback,
    message: `${instance.kind} ${instance.metadata.name}: ${fieldText} becomes ${where} of ${target}, ${refusal}`,
  };
}

/** `data key "A=B"` or `metadata.name "9lives-web"`. */
function describePath(path: readonly (string | number)[], key: boolean, object: Record<string, unknown>): string {
  if (key) return `${path.slice(0, -1).join('.')} key ${JSON.stringify(String(path[path.length - 1]))}`;
  let value: unknown = object;
  // A violation's path is one the rules walked in this object: every step is there.
  for (const segment of path) value = (value as Record<string | number, unknown>)[segment];
  const shown = typeof value === 'string' || typeof value === 'number' ? ` ${JSON.stringify(value)}` : '';
  return `${path.join('.')}${shown}`;
}
