/**
 * `mini-atlas new <kind> <team> [<name>] [--<field> <value>...]`: writes a team file, checked by
 * the validator synth uses before anything is written, and never over an existing file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PATTERNS } from '../../abstractions/fields';
import { NAMING_CONVENTION } from '../../config/naming';
import { parseArgs, usageOf, type CommandSpec, type OptionSpec } from '../cli/args';
import { UsageError } from '../cli/usage-error';
import { ROOT } from '../paths';
import { formatProblem, hasErrors, loadUserSpace, Problem } from '../user-space';
import { USER_SPACE_OPTION, userSpaceDir } from '../user-space/command';
import { INTEGER_FIELDS, NEW_KINDS, NewKindName, teamFile } from './documents';

/** What each field flag means, and which kind takes it. */
const FIELD_OPTIONS: readonly OptionSpec[] = [
  { flag: '--image', value: '<repo>', description: 'webapp: container image repository, without the tag (required).' },
  { flag: '--tag', value: '<tag>', description: 'webapp: image tag (required).' },
  { flag: '--host', value: '<host>', description: 'webapp: hostname the shared Gateway routes to it (required).' },
  { flag: '--port', value: '<n>', description: 'webapp: port the container listens on.', default: 'the abstraction\'s, 8080' },
  { flag: '--replicas', value: '<n>', description: 'webapp: number of pods.', default: 'the abstraction\'s, 1' },
  { flag: '--database', value: '<db>', description: 'infrastructure: name of the PostgreSQL database (required).' },
  { flag: '--partitions', value: '<n>', description: 'topic: number of partitions.', default: 'the abstraction\'s, 3' },
];

export const NEW_COMMAND: CommandSpec = {
  name: 'new',
  summary:
    'Writes user-space/<team>/<name>.yaml (a Workspace: workspace.yaml) with the editor-schema line, named by the naming convention (shop in team-b is team-b-shop), after checking it with the validator synth uses together with everything already there; never overwrites. Kinds: workspace <team>, webapp|infrastructure|topic|vcluster <team> <name>. Exit 0 written, 1 refused (nothing written), 2 wrong command line.',
  positionals: '<kind> <team> [<name>]',
  maxPositionals: 3,
  options: [...FIELD_OPTIONS, USER_SPACE_OPTION],
  examples: [
    'npm run new -- workspace team-n',
    'npm run new -- webapp team-n shop --image ghcr.io/acme/shop --tag 1.0.0 --host shop.example.com',
    'npm run new -- infrastructure team-n db --database orders',
    'npm run new -- topic team-n events --partitions 6',
    'npm run new -- vcluster team-n lab',
  ],
};
const NEW_USAGE = usageOf(NEW_COMMAND);
const DNS_LABEL = new RegExp(PATTERNS.dnsLabel);

/** A file to write. */
interface Plan {
  readonly file: string;
  readonly text: string;
}

/** Exit 0 written, 1 refused (invalid, a clash, an existing file), 2 usage. */
export function runNew(args: string[]): number {
  const { values, positionals } = parseArgs(args, NEW_COMMAND);
  const userSpace = userSpaceDir(values);
  const plan = planFile(positionals, values, userSpace);
  if (typeof plan === 'string') return refuse(plan);
  if (fs.existsSync(plan.file)) return refuse(`${relative(plan.file)} already exists; new never overwrites a file: edit it, or choose another name`);
  const problems = newProblems(userSpace, plan);
  for (const problem of problems) process.stderr.write(`${formatProblem(problem)}\n`);
  if (hasErrors(problems)) return refuse(`${relative(plan.file)} would not be valid, so it was not written`);
  fs.mkdirSync(path.dirname(plan.file), { recursive: true });
  // Stryker disable next-line ObjectLiteral,StringLiteral: 'wx' guards the moment between the check above and this write, which no test can put a file in
  fs.writeFileSync(plan.file, plan.text, { flag: 'wx' });
  process.stdout.write(`wrote ${relative(plan.file)}; commit it, and npm run synth renders it into dist/\n`);
  return 0;
}

/** The file the command line asks for, or why there is none (one sentence). */
function planFile(positionals: readonly string[], values: ReadonlyMap<string, string>, userSpace: string): Plan | string {
  const [word, team, name] = positionals;
  if (word === undefined) throw new UsageError(`what should new create? ${NEW_USAGE}`);
  if (!(word in NEW_KINDS)) throw new UsageError(`new cannot create "${word}"; one of: ${Object.keys(NEW_KINDS).join(', ')}`);
  const spec = NEW_KINDS[word as NewKindName];
  const isWorkspace = spec.kind === 'Workspace';
  if (team === undefined || (!isWorkspace && name === undefined)) throw new UsageError(`${word} needs ${isWorkspace ? 'a team' : 'a team and a name'}; ${NEW_USAGE}`);
  if (isWorkspace && name !== undefined) throw new UsageError(`unexpected argument "${name}": a Workspace is named like its team; ${NEW_USAGE}`);
  const fields = fieldsFor(word as NewKindName, values);
  const names: [string, string][] = isWorkspace ? [['team', team]] : [['team', team], ['name', name!]];
  for (const [label, value] of names) {
    if (!DNS_LABEL.test(value)) return `the ${label} "${value}" is not a valid name: lower-case letters, digits and "-", starting and ending with a letter or digit`;
  }
  const file = path.join(userSpace, team, `${isWorkspace ? 'workspace' : name}.yaml`);
  const metadata = isWorkspace ? { name: team } : { name: NAMING_CONVENTION.qualify(team, name!), namespace: team };
  return { file, text: teamFile(spec.kind, metadata, fields) };
}

/** The spec fields given as flags; a flag of another kind, or a missing required one, is a usage error. */
function fieldsFor(word: NewKindName, values: ReadonlyMap<string, string>): Record<string, string | number> {
  const { fields, ...rest } = NEW_KINDS[word];
  const required: readonly string[] = 'required' in rest ? rest.required : [];
  const spec: Record<string, string | number> = {};
  for (const [flag, value] of values) {
    if (flag === '--user-space') continue;
    const field = flag.slice(2);
    if (!(fields as readonly string[]).includes(field)) throw new UsageError(`${flag} does not apply to ${word}; ${NEW_USAGE}`);
    if (INTEGER_FIELDS.includes(field) && !/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number, not "${value}"`);
    spec[field] = INTEGER_FIELDS.includes(field) ? Number(value) : value;
  }
  const missing = required.filter((field) => !(field in spec));
  if (missing.length > 0) throw new UsageError(`${word} needs ${missing.map((field) => `--${field}`).join(', ')}; ${NEW_USAGE}`);
  return spec;
}

/**
 * What writing the file would add to the problems of the user space: its own (schema, name,
 * naming convention) and those it causes elsewhere (a name or host that clashes, a team without
 * a Workspace). Problems that were already there are not the new file's to answer for.
 */
function newProblems(userSpace: string, plan: Plan): Problem[] {
  const before = new Set(loadUserSpace({ root: ROOT, userSpaceDir: userSpace }).problems.map(formatProblem));
  const after = loadUserSpace({ root: ROOT, userSpaceDir: userSpace, pending: { path: plan.file, text: plan.text } }).problems;
  return after.filter((problem) => !before.has(formatProblem(problem)));
}

function refuse(reason: string): number {
  process.stderr.write(`mini-atlas new: ${reason}\n`);
  return 1;
}

function relative(file: string): string {
  return path.relative(ROOT, file).split(path.sep).join('/');
}
