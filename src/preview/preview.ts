/**
 * A team's preview: every instance expanded with the cluster's RGDs, each created object checked
 * against its kind's schema and what the API server enforces beyond it, and the objects created
 * for team instances checked against the workspace naming convention (the instances' own names
 * are checked when user-space is loaded).
 */
import { NAMING_CONVENTION } from '../../config/naming';
import type { Instance, SourceLocation, TeamInstances, TeamSecret } from '../user-space/model';
import { formatLocation, type Problem } from '../user-space/problems';
import { apiServerProblems, type FieldLocator } from './api-server';
import type { SchemaChecker } from './check';
import { expandInstance, type ExpandedResource } from './expand';
import type { RgdSet } from './rgd';

/** What the preview needs besides the team. */
export interface PreviewContext {
  readonly rgds: RgdSet;
  readonly checker: SchemaChecker;
  /** Where an instance was declared; problems about it point there. */
  readonly sourceOf: (instance: Instance) => SourceLocation | undefined;
  /** Where a field of an instance is written, for what the API server would refuse. @default the instance's location */
  readonly locateField?: FieldLocator;
}

export interface TeamPreview {
  /** Workspace first, then the instances in the team's order; each instance's resources in kro's creation order. */
  readonly resources: readonly ExpandedResource[];
  readonly problems: readonly Problem[];
}

/** Expands and checks what `team` declares: every instance, or those `include` selects. */
export function previewTeam(team: TeamInstances, context: PreviewContext, include: (instance: Instance) => boolean = () => true): TeamPreview {
  const resources: ExpandedResource[] = [];
  const problems: Problem[] = [];
  const workspace = team.workspace.metadata.name;
  for (const instance of [team.workspace, ...team.instances].filter(include)) {
    const source = context.sourceOf(instance) ?? { file: `user-space/${team.team}`, line: 1, col: 1 };
    const expansion = expandInstance(instance, context.rgds, source);
    problems.push(...expansion.problems);
    for (const resource of expansion.resources) {
      problems.push(...schemaProblems(resource, context.checker, source));
      problems.push(...apiServerProblems(resource, context.locateField ?? (() => undefined), source));
      if (instance !== team.workspace) problems.push(...namingProblems(resource, workspace, source));
    }
    resources.push(...expansion.resources);
  }
  return { resources, problems };
}

/** A resource's identity in messages and diffs: `apps/v1 Deployment team-a/team-a-web`. */
export function describeResource(object: Record<string, unknown>): string {
  const metadata = (object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  const name = metadata.namespace ? `${String(metadata.namespace)}/${String(metadata.name)}` : String(metadata.name);
  return `${String(object.apiVersion)} ${String(object.kind)} ${name}`;
}

function schemaProblems(resource: ExpandedResource, checker: SchemaChecker, source: SourceLocation): Problem[] {
  const result = checker.check(resource.object);
  const origin = `${describeResource(resource.object)} (resource "${resource.resourceId}" of ${resource.rgd.kind}, template at ${formatLocation(resource.templateLocation)})`;
  if ('unchecked' in result) return [{ severity: 'warning', location: source, message: `${origin} not checked: ${result.unchecked}` }];
  return result.errors.map((error) => ({ severity: 'error', location: source, message: `${origin}: ${error.pointer} ${error.message}` }));
}

/**
 * Objects created for team instances in the workspace namespace inherit the instance's name
 * prefix; one that does not would be rejected by the cluster's policy. Objects elsewhere (a
 * topic in the Kafka namespace) and the Workspace's own objects are the platform's, not the team's.
 */
function namingProblems(resource: ExpandedResource, workspace: string, source: SourceLocation): Problem[] {
  const metadata = (resource.object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  if (metadata.namespace !== workspace || typeof metadata.name !== 'string' || NAMING_CONVENTION.matches(workspace, metadata.name)) return [];
  return [{
    severity: 'warning',
    location: source,
    message: `${describeResource(resource.object)} (resource "${resource.resourceId}" of ${resource.rgd.kind}): ${NAMING_CONVENTION.describe(workspace)}`,
  }];
}

/**
 * A team's Secret as the cluster will hold it, for a reviewer: its keys, with every value shown
 * as `<encrypted>` (Flux decrypts it only when applying it) and without the SOPS metadata.
 */
export function secretPreview(secret: TeamSecret, namespace: string): Record<string, unknown> {
  const { sops: _sops, apiVersion, kind, metadata, ...rest } = secret.document;
  const preview: Record<string, unknown> = { apiVersion, kind, metadata: { ...(metadata as Record<string, unknown>), namespace }, ...rest };
  for (const section of ['data', 'stringData']) {
    const values = preview[section];
    if (values !== undefined) preview[section] = Object.fromEntries(Object.keys(values as Record<string, unknown>).map((key) => [key, '<encrypted>']));
  }
  return preview;
}
