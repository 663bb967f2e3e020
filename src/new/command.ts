/**
 * `mini-atlas new <kind> <team> [<name>] [--<field> <value>...]`: writes a team file, checked by
 * the validator synth uses before anything is written, and never over an existing file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PATTERNS } from '../../abstractions/fields';
import { NAMING_CONVENTION } from '../../config/naming';
import { parseArgs } from '../cli/args';
import { UsageError } from '../cli/usage-error';
import { ROOT } from '../paths';
import { formatProblem, hasErrors, loadUserSpace, Problem } from '../user-space';
import { userSpaceDir } from '../user-space/command';
import { INTEGER_FIELDS, NEW_KINDS, NewKindName, teamFile } from './documents';

export const NEW_USAGE =
  'usage: mini-atlas new workspace <team> | webapp <team> <name> --image <repo> --tag <tag> --host <host> [--port <n>] [--replicas <n>] | infrastructure <team> <name> --database <db> | topic <team> <name> [--partitions <n>] | vcluster <team> <name> [--user-space <dir>]';

const FIELD_FLAGS = [...new Set(Object.values(NEW_KINDS).flatMap((kind) => kind.fields))].map((field) => `--${field}`);
const DNS_LABEL = new RegExp(PATTERNS.dnsLabel);

/** A file to write. */
interface Plan {
  readonly file: string;
  readonly text: string;
}

/** Exit 0 written, 1 refused (invalid, a clash, an existing file), 2 usage. */
export function runNew(args: string[]): number {
  const { values, positionals } = parseArgs(args, { values: [...FIELD_FLAGS, '--user-space'], maxPositionals: 3, usage: NEW_USAGE });
  const userSpace = userSpaceDir(values);
  const plan = planFile(positionals, values, userSpace);
  if (typeof plan === 'string') return refuse(plan);
  if (fs.existsSync(plan.file)) return refuse(`${relative(plan.file)} already exists; new never overwrites a file: edit it, or choose another name`);
  const problems = newProblems(userSpace, plan);
  for (const problem of problems) process.stderr.write(`${formatProblem(problem)}\n`);
  if (hasErrors(problems)) return refuse(`${relative(plan.file)} would not be valid, so it was not written`);
  fs.mkdirSync(path.dirname(plan.file), { recursive: true });
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
  for (const [label, value] of [['team', team], ['name', name]] as const) {
    if (value !== undefined && !DNS_LABEL.test(value)) return `the ${label} "${value}" is not a valid name: lower-case letters, digits and "-", starting and ending with a letter or digit`;
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
