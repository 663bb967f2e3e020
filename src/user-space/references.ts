import { Instance, SourceLocation } from './model';
import { formatLocation, Problem } from './problems';
import { closest } from './schema-check';

/**
 * One team's instances as they apply to one cluster, and where each one's fields are. Overrides
 * change fields, never which documents exist, so a message needs no cluster name: its location
 * (base file or override) already says which clusters it concerns.
 */
export interface TeamOnCluster {
  readonly team: string;
  readonly instances: readonly Instance[];
  /** Where a field of an instance is written: in its cluster override when that sets it, else in its base document. */
  locate(instance: Instance, at: readonly string[]): SourceLocation;
}

/**
 * Rules across a team's documents: what one instance names must exist among the team's
 * instances for the same cluster. Each problem points at the naming field and says where the
 * candidates are.
 */
export function checkReferences(scope: TeamOnCluster, problems: Problem[]): void {
  checkInfrastructureReferences(scope, problems);
}

/** A WebApplication's `infrastructure` names one of the team's Infrastructures on that cluster. */
function checkInfrastructureReferences({ team, instances, locate }: TeamOnCluster, problems: Problem[]): void {
  const infrastructures = instances.filter((instance) => instance.kind === 'Infrastructure');
  for (const application of instances.filter((instance) => instance.kind === 'WebApplication')) {
    const wanted = application.spec.infrastructure;
    if (typeof wanted !== 'string' || infrastructures.some((infrastructure) => infrastructure.metadata.name === wanted)) continue;
    const names = infrastructures.map((infrastructure) => infrastructure.metadata.name);
    const suggestion = closest(wanted, names);
    const existing = infrastructures.length
      ? `the team's Infrastructures are ${infrastructures.map((infrastructure) => `${infrastructure.metadata.name} (${formatLocation(locate(infrastructure, ['metadata', 'name']))})`).join(', ')}`
      : `team "${team}" declares no Infrastructure`;
    problems.push({
      severity: 'error',
      location: locate(application, ['spec', 'infrastructure']),
      message: `WebApplication ${application.metadata.name}: spec.infrastructure "${wanted}" is no Infrastructure of team "${team}": ${existing}${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
    });
  }
}
