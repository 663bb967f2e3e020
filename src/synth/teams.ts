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
import { Spool, type SpoolEntry } from './spool';

/** What a TeamRenderer is made with: the same on every render thread of a synth. */
export interface RendererSetup {
  /** The folder of team folders. */
  readonly userSpaceDir: string;
  /** Whether each part names its objects (to tell what a change removes). */
  readonly objects: boolean;
  /**
   * Whether an error was found already: synth will write nothing, so teams are only checked, not
   * rendered (and so after an error in a team rendered before).
   */
  readonly failed: boolean;
}

/** What rendering teams one after another needs, made once per synth and per render thread. */
export class TeamRenderer {
  private readonly relative = repositoryPaths(ROOT);
  private readonly kindSets = new Map<string, TeamOutput['kinds']>();
  private readonly userSpaceDir: string;
  private readonly objects: boolean;
  private failed: boolean;
  private loadFailed: boolean;
  private platformRenders?: readonly PlatformRender[];
  private check?: ApiServerCheck;

  /** @param spool where the rendered parts wait until the files of dist/ are put together */
  constructor(
    { userSpaceDir, objects, failed }: RendererSetup,
    private readonly spool: Spool,
  ) {
    this.userSpaceDir = userSpaceDir;
    this.objects = objects;
    this.failed = failed;
    this.loadFailed = failed;
  }

  /**
   * Each cluster's platform, in the order of CLUSTERS: rendered when first needed, as a render
   * thread whose teams are all unchanged never needs them.
   */
  get platforms(): readonly PlatformRender[] {
    // Stryker disable next-line LogicalOperator,AssignmentOperator: saves work only: rendered again, the platforms are the same
    return (this.platformRenders ??= CLUSTERS.map(renderPlatform));
  }

  /**
   * What the API server would refuse, expanded with the RGDs just rendered (dist/ may be older):
   * made when first needed, as a thread that renders no team (the main thread, often) never needs it.
   */
  private get apiCheck(): ApiServerCheck {
    // Stryker disable next-line LogicalOperator,AssignmentOperator: saves work only: made again, the check is the same
    return (this.check ??= new ApiServerCheck(
      CLUSTERS.map((cluster) => cluster.name),
      // Stryker disable next-line ConditionalExpression,EqualityOperator: every cluster renders the same RGDs today, so any cluster's serve; the lookup keeps a cluster that differs right
      (cluster) => rgdSet(ROOT, abstractionFiles(this.platforms.find((platform) => platform.cluster.name === cluster)!)),
      locateField,
    ));
  }

  /**
   * One team: found unchanged when its folder's hash is `recorded` (the cache's), else loaded,
   * checked and rendered. After a loading error in any team rendered before, what the API server
   * would refuse is not checked (synth reports none when loading failed: a team with errors has
   * no objects to expand), and after any error, teams are checked but not rendered.
   * @param folder the team's folder, when it was read already @default read now
   */
  render(team: string, recorded: string | undefined, folder = readTeamFolder(this.userSpaceDir, team)): TeamResult {
    if (folder.hash === recorded) return { team, input: folder.hash, reused: true };
    const loaded = loadTeam(folder, this.relative);
    const loadProblems = settled(loaded.problems);
    // Stryker disable next-line AssignmentOperator: saves work only: after a loading error synth reports no team's API problems and writes nothing
    this.loadFailed ||= hasErrors(loadProblems);
    const apiProblems = this.loadFailed ? [] : settled(this.apiCheck.problemsOf((cluster) => [loaded.instancesFor(cluster)].filter((instances) => instances !== undefined)));
    // Stryker disable next-line AssignmentOperator,LogicalOperator,ConditionalExpression: saves work only: a refused synth writes nothing
    this.failed ||= this.loadFailed || hasErrors(apiProblems);
    const outputs = this.failed ? [] : this.platforms.map((platform) => this.renderOn(platform, loaded));
    return { team, input: folder.hash, reused: false, loadProblems, apiProblems, record: teamRecord(folder.hash, loaded, [...loadProblems, ...apiProblems]), outputs };
  }

  /** `result` as a render thread posts it (see threads.ts): plain data, its parts' texts left in the thread's spool. */
  static posted(result: TeamResult): PostedTeamResult {
    if (result.reused) return result;
    return { ...result, outputs: result.outputs.map((output) => output && { ...output, parts: new Map([...output.parts].map(([file, part]) => [file, (part as SpooledPart).data])) }) };
  }

  /** A result a render thread posted, its parts' texts read from `spool` (the thread's) when needed. */
  received(posted: PostedTeamResult, spool: Spool): TeamResult {
    if (posted.reused) return posted;
    return { ...posted, outputs: posted.outputs.map((output) => output && { team: output.team, kinds: this.shared(output.kinds), parts: new Map([...output.parts].map(([file, data]) => [file, new SpooledPart(data, spool)])) }) };
  }

  /** A loaded team's output on one cluster, its parts' texts in the spool; none where it has no Workspace (an error already). */
  private renderOn(platform: PlatformRender, loaded: LoadedTeam): TeamOutput | undefined {
    const instances = loaded.instancesFor(platform.cluster.name);
    if (!instances) return undefined;
    const output = renderTeam(platform, instances, this.objects);
    const parts = new Map([...output.parts].map(([file, part]): [string, FilePart] => [file, SpooledPart.put(part, this.spool)]));
    return { team: output.team, parts, kinds: this.shared(output.kinds) };
  }

  /** One Map per distinct set of kinds, which most teams share. */
  private shared(kinds: TeamOutput['kinds']): TeamOutput['kinds'] {
    // Stryker disable next-line ArrayDeclaration: only layers that wait read these kinds (as health checks), and there every team's documents are of the same kind today (its Workspace, its Grafana organization); the key keeps a team that differs right
    const key = JSON.stringify([...kinds]);
    return this.kindSets.get(key) ?? this.kindSets.set(key, kinds).get(key)!;
  }
}

/** A part whose text (and objects, when named) wait in a spool, without the spool: what a render thread posts of it. */
type SpooledPartData = Pick<FilePart, 'team' | 'documents' | 'owned'> & Required<Pick<FilePart, 'length' | 'hash'>> & { readonly entry: SpoolEntry; readonly objects?: SpoolEntry };

/**
 * A part whose text waits in the spool (see Spool), read when asked for; so do its objects, when
 * named (a synth over an existing output names 240,000 at 10,000 teams, about 60 MB in memory,
 * and reads only those of the parts that changed).
 */
class SpooledPart implements FilePart, Bytes {
  readonly team?: string;
  readonly documents: number;
  readonly owned: boolean;
  readonly length: number;
  readonly hash: string;

  /** `part`'s text and objects put into `spool`; its length and hash, which the cache records, worked out while the text is at hand. */
  static put(part: FilePart, spool: Spool): SpooledPart {
    const bytes = Buffer.from(part.text);
    const objects = part.objects && spool.put(Buffer.from(JSON.stringify(part.objects)));
    return new SpooledPart({ team: part.team, documents: part.documents, owned: part.owned, length: part.text.length, hash: sha256(bytes), entry: spool.put(bytes), ...(objects && { objects }) }, spool);
  }

  constructor(
    readonly data: SpooledPartData,
    private readonly spool: Spool,
  ) {
    this.team = data.team;
    this.documents = data.documents;
    this.owned = data.owned;
    this.length = data.length;
    this.hash = data.hash;
  }

  get objects(): FilePart['objects'] {
    return this.data.objects && (JSON.parse(this.spool.read(this.data.objects).toString('utf8')) as FilePart['objects']);
  }

  read(): Buffer {
    return this.spool.read(this.data.entry);
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

/** A TeamResult as a render thread posts it: each part's data, its text in the thread's spool. */
export type PostedTeamResult =
  | Extract<TeamResult, { reused: true }>
  | (Omit<Extract<TeamResult, { reused: false }>, 'outputs'> & { readonly outputs: readonly (PostedTeamOutput | undefined)[] });

/** A TeamOutput as a render thread posts it. */
interface PostedTeamOutput extends Omit<TeamOutput, 'parts'> {
  readonly parts: ReadonlyMap<string, SpooledPartData>;
}

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
