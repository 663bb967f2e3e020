import * as fs from 'fs';
import * as path from 'path';

/** What generateTeams wrote. */
export interface GeneratedTeams {
  /** The `user-space/` folder holding one folder per team. */
  readonly userSpace: string;
  /** Team names, in order: `team-0001`, `team-0002`, ... */
  readonly teams: readonly string[];
  /** Every file written, absolute. */
  readonly files: readonly string[];
}

/** Name of the `index`-th generated team (1-based); the baseline app names its tenants the same way. */
export function teamName(index: number): string {
  return `team-${String(index).padStart(4, '0')}`;
}

/**
 * Writes `count` teams into `<root>/user-space/`, each a Workspace, two WebApplications, an
 * Infrastructure and a Topic, one document per file, in the format teams write by hand. Every
 * team differs (names, hosts, replicas) so no cache can serve one team's output for another.
 */
export function generateTeams(root: string, count: number): GeneratedTeams {
  const userSpace = path.join(root, 'user-space');
  const teams: string[] = [];
  const files: string[] = [];
  for (let index = 1; index <= count; index++) {
    const team = teamName(index);
    const folder = path.join(userSpace, team);
    fs.mkdirSync(folder, { recursive: true });
    for (const [file, content] of Object.entries(teamFiles(team, index))) {
      const target = path.join(folder, file);
      fs.writeFileSync(target, content);
      files.push(target);
    }
    teams.push(team);
  }
  return { userSpace, teams, files };
}

/** A team's five files by file name. */
export function teamFiles(team: string, index: number): Record<string, string> {
  return {
    'workspace.yaml': document('Workspace', { name: team }, `{name: ${team}, owners: ["@mini-atlas/${team}"]}`),
    'web.yaml': webApplication(team, 'web', 'nginx', '1.27', 2 + (index % 2)),
    'api.yaml': webApplication(team, 'api', 'ghcr.io/mini-atlas/echo', '2.4.1', 1 + (index % 3)),
    'infrastructure.yaml': document('Infrastructure', { name: `${team}-db`, namespace: team }, `{name: ${team}-db, namespace: ${team}, database: ${team}-orders}`),
    'topic.yaml': document('Topic', { name: `${team}-events`, namespace: team }, `{name: ${team}-events, namespace: ${team}}`),
  };
}

function webApplication(team: string, role: string, image: string, tag: string, replicas: number): string {
  const name = `${team}-${role}`;
  // The host carries the team's name, so hosts are unique across all teams as the loader requires.
  const spec = `{name: ${name}, namespace: ${team}, image: ${image}, tag: "${tag}", replicas: ${replicas}, host: ${role}.${team}.example.com}`;
  return document('WebApplication', { name, namespace: team }, spec);
}

/** One YAML document in the flow style of the seed's examples. */
function document(kind: string, metadata: { name: string; namespace?: string }, spec: string): string {
  const meta = metadata.namespace ? `{name: ${metadata.name}, namespace: ${metadata.namespace}}` : `{name: ${metadata.name}}`;
  return ['apiVersion: kro.run/v1alpha1', `kind: ${kind}`, `metadata: ${meta}`, `spec: ${spec}`, ''].join('\n');
}
