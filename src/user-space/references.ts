import { Instance, SourceLocation } from './model';
import { formatLocation, Problem } from './problems';
import { closest } from './suggest';
import { SecretDeclaration } from './secrets';

/**
 * One team's instances as they apply to one cluster, and where each one's fields are. Overrides
 * change fields, never which documents exist, so a message needs no cluster name: its location
 * (base file or override) already says which clusters it concerns.
 */
export interface TeamOnCluster {
  readonly team: string;
  readonly instances: readonly Instance[];
  /** The team's Secrets on the cluster. */
  readonly secrets: readonly SecretDeclaration[];
  /** The names of the team's Secrets on the cluster that were refused (their own problems say why). */
  readonly refusedSecrets: readonly string[];
  /** The cluster, named only when the team's Secrets differ between clusters (a message then says which). @default none */
  readonly secretsCluster?: string;
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
  checkSecretEnvReferences(scope, problems);
  checkSecretNames(scope, problems);
}

/** `<secret>/<key>` of the Secrets the team's files define for the cluster, with where each is. */
function describeSecrets(secrets: readonly SecretDeclaration[]): string {
  return secrets.map(({ secret, source }) => `${secret.name} (${formatLocation(source.locate(['metadata', 'name']))}: ${secret.keys.join(', ')})`).join('; ');
}

/** Each `secretEnv` value names a Secret of the team on that cluster and one of its keys. */
function checkSecretEnvReferences({ team, instances, secrets, refusedSecrets, secretsCluster, locate }: TeamOnCluster, problems: Problem[]): void {
  const where = secretsCluster ? `cluster ${secretsCluster}` : 'its clusters';
  for (const application of instances.filter((instance) => instance.kind === 'WebApplication')) {
    const secretEnv = application.spec.secretEnv;
    if (typeof secretEnv !== 'object' || secretEnv === null) continue;
    for (const [variable, reference] of Object.entries(secretEnv as Record<string, unknown>)) {
      if (typeof reference !== 'string' || !reference.includes('/')) continue; // the schema check says what is wrong
      const [secretName, key] = reference.split('/');
      const declaration = secrets.find(({ secret }) => secret.name === secretName);
      // Saying that a refused Secret is not defined would send its author looking for the wrong mistake.
      if (!declaration && refusedSecrets.includes(secretName)) continue;
      const at = locate(application, ['spec', 'secretEnv', variable]);
      const refuse = (message: string) => problems.push({ severity: 'error', location: at, message: `WebApplication ${application.metadata.name}: spec.secretEnv.${variable} ${message}` });
      if (!declaration) {
        const suggestion = closest(secretName, secrets.map(({ secret }) => secret.name));
        refuse(`names Secret "${secretName}", which the files of team "${team}" do not define for ${where}: ${secrets.length ? `its Secrets are ${describeSecrets(secrets)}` : 'the team has no Secret'}${suggestion ? `; did you mean "${suggestion}"?` : ''}`);
      } else if (!declaration.secret.keys.includes(key)) {
        const suggestion = closest(key, declaration.secret.keys);
        refuse(`names key "${key}" of Secret ${secretName} (${formatLocation(declaration.source.locate(['metadata', 'name']))}${secretsCluster ? ` on cluster ${secretsCluster}` : ''}), which has ${declaration.secret.keys.join(', ')}${suggestion ? `; did you mean "${suggestion}"?` : ''}`);
      }
    }
  }
}

/**
 * Names under an Infrastructure's name belong to what it makes, CloudNativePG's Secrets among
 * them (`<name>-app`, `<name>-ca`...): a team Secret there would overwrite or fight them.
 */
function checkSecretNames({ instances, secrets, locate }: TeamOnCluster, problems: Problem[]): void {
  for (const infrastructure of instances.filter((instance) => instance.kind === 'Infrastructure')) {
    for (const { secret, source } of secrets.filter(({ secret }) => secret.name.startsWith(`${infrastructure.metadata.name}-`))) {
      problems.push({
        severity: 'error',
        location: source.locate(['metadata', 'name']),
        message: `Secret ${secret.name}: names starting with "${infrastructure.metadata.name}-" belong to Infrastructure ${infrastructure.metadata.name} (${formatLocation(locate(infrastructure, ['metadata', 'name']))}), whose database keeps its credentials in such Secrets: choose another name`,
      });
    }
  }
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
