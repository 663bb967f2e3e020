import { CLUSTERS } from '../../config/clusters';
import { ApiServerCheck } from '../preview/api-server';
import { rgdSet, type RgdSource } from '../preview/rgd';
import { ROOT } from '../paths';
import { hasErrors, Problem } from '../user-space';
import { loadTeam, locateField, repositoryPaths, type LoadedTeam } from '../user-space/load';
import { readTeamFolder } from '../user-space/team-folder';
import { FilePart, PlatformRender, renderPlatform, renderTeam, TeamOutput } from './render';
import { sha256, type TeamRecord } from './cache';
import type { Bytes } from './dist-folder';
import { Spool, SpoolEntry } from './spool';

/** What rendering teams one after another needs, made once per synth. */
export class TeamRenderer {
  /** Each cluster's platform, in the order of CLUSTERS. */
  readonly platforms: readonly PlatformRender[];
  private readonly apiCheck: ApiServerCheck;
  private readonly relative = repositoryPaths(ROOT);
  private readonly kindSets = new Map<string, TeamOutput['kinds']>();

  /**
   * @param userSpaceDir the folder of team folders
   * @param objects whether each part names its objects (to tell what a change removes)
   * @param spool where the rendered parts wait until the files of dist/ are put together
   * @param failed whether an error was found already: synth will write nothing, so teams are
   *   only checked, not rendered (and so after an error in a team rendered before)
   */
  constructor(
    private readonly userSpaceDir: string,
    private readonly objects: boolean,
    private readonly spool: Spool,
    private failed: boolean,
  ) {
    this.platforms = CLUSTERS.map(renderPlatform);
    // What the API server would refuse, expanded with the RGDs just rendered (dist/ may be older).
    this.apiCheck = new ApiServerCheck(
      CLUSTERS.map((cluster) => cluster.name),
      // Stryker disable next-line ConditionalExpression,EqualityOperator: every cluster renders the same RGDs today, so any cluster's serve; the lookup keeps a cluster that differs right
      (cluster) => rgdSet(ROOT, abstractionFiles(this.platforms.find((platform) => platform.cluster.name === cluster)!)),
      locateField,
    );
  }

  /**
   * One team: found unchanged when its folder's hash is `recorded` (the cache's), else loaded,
   * checked and rendered. After an error in any team rendered before, a team is checked but not
   * rendered, and after a loading error not expanded either: what the API server would refuse
   * is not reported when loading failed, as a team with errors has no objects to expand.
   */
  render(team: string, recorded: string | undefined): TeamResult {
    const folder = readTeamFolder(this.userSpaceDir, team);
    if (folder.hash === recorded) return { team, input: folder.hash, reused: true };
    const loaded = loadTeam(folder, this.relative);
    const loadProblems = settled(loaded.problems);
    // Stryker disable next-line AssignmentOperator: saves work only: a refused synth reports the teams' loading errors alone and writes nothing
    this.failed ||= hasErrors(loadProblems);
    const apiProblems = this.failed ? [] : settled(this.apiCheck.problemsOf((cluster) => [loaded.instancesFor(cluster)].filter((instances) => instances !== undefined)));
    // Stryker disable next-line AssignmentOperator: as above
    this.failed ||= hasErrors(apiProblems);
    const outputs = this.failed ? [] : this.platforms.map((platform) => this.renderOn(platform, loaded));
    return { team, input: folder.hash, reused: false, loadProblems, apiProblems, record: teamRecord(folder.hash, loaded, [...loadProblems, ...apiProblems]), outputs };
  }

  /** A loaded team's output on one cluster, its parts' texts in the spool; none where it has no Workspace (an error already). */
  private renderOn(platform: PlatformRender, loaded: LoadedTeam): TeamOutput | undefined {
    const instances = loaded.instancesFor(platform.cluster.name);
    if (!instances) return undefined;
    const output = renderTeam(platform, instances, this.objects);
    const parts = new Map([...output.parts].map(([file, part]): [string, FilePart] => [file, new SpooledPart(part, this.spool)]));
    return { team: output.team, parts, kinds: this.shared(output.kinds) };
  }

  /** One Map per distinct set of kinds, which most teams share. */
  private shared(kinds: TeamOutput['kinds']): TeamOutput['kinds'] {
    // Stryker disable next-line ArrayDeclaration: only layers that wait read these kinds (as health checks), and there every team's documents are of the same kind today (its Workspace, its Grafana organization); the key keeps a team that differs right
    const key = JSON.stringify([...kinds]);
    return this.kindSets.get(key) ?? this.kindSets.set(key, kinds).get(key)!;
  }
}

/**
 * A part whose text waits in the spool (see Spool), read when asked for; its length and hash,
 * which the cache records, are worked out while the text is at hand.
 */
class SpooledPart implements FilePart, Bytes {
  readonly team?: string;
  readonly documents: number;
  readonly owned: boolean;
  readonly objects?: FilePart['objects'];
  readonly length: number;
  readonly hash: string;
  private readonly entry: SpoolEntry;

  constructor(
    part: FilePart,
    private readonly spool: Spool,
  ) {
    this.team = part.team;
    this.documents = part.documents;
    this.owned = part.owned;
    this.objects = part.objects;
    const bytes = Buffer.from(part.text);
    this.length = part.text.length;
    this.hash = sha256(bytes);
    this.entry = spool.put(bytes);
  }

  read(): Buffer {
    return this.spool.read(this.entry);
  }

  get text(): string {
    return this.read().toString('utf8');
  }
}

/** One team as a TeamRenderer left it: plain data, which is all synth keeps of a team (and all the cache can keep). */
export type TeamResult =
  | { readonly team: string; readonly input: string; readonly reused: true }
  | {
      readonly team: string;
      readonly input: string;
      readonly reused: false;
      readonly loadProblems: readonly Problem[];
      /** What the API server would refuse (none after a loading error). */
      readonly apiProblems: readonly Problem[];
      readonly record: TeamRecord;
      /** The team's output per cluster, in the order of CLUSTERS; empty after an error. */
      readonly outputs: readonly (TeamOutput | undefined)[];
    };

/** Problems with their locations worked out (they are computed when read), as plain data. */
function settled(problems: readonly Problem[]): Problem[] {
  return problems.map(({ severity, location: { file, line, col }, message }) => ({ severity, location: { file, line, col }, message }));
}

/**
 * What the cache keeps of a team just loaded, copied: its strings are slices of the team's files
 * (see `detached`), which it would otherwise keep in memory for the rest of the synth.
 */
function teamRecord(input: string, loaded: LoadedTeam, problems: readonly Problem[]): TeamRecord {
  return JSON.parse(JSON.stringify({ input, problems, ...(loaded.owners && { owners: loaded.owners }), hosts: loaded.claims.hosts, secrets: loaded.claims.secrets })) as TeamRecord;
}

/** The rendered RGD files of a cluster, named by their path in the repository. */
function abstractionFiles(platform: PlatformRender): RgdSource[] {
  // Stryker disable next-line StringLiteral: what else it lets through is no RGD: rgdSet reports it as a problem, which the check never reads, and finds the same RGDs
  const prefix = `${platform.cluster.name}/abstractions/`;
  // Stryker disable next-line MethodExpression,ConditionalExpression,LogicalOperator,StringLiteral: as above: only saves parsing the platform's other files
  return [...platform.parts].filter(([file]) => file.startsWith(prefix) && file.endsWith('.yaml')).map(([file, part]) => ({ file: `dist/${file}`, text: part.text }));
}
