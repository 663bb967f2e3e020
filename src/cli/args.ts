import { HelpRequested, UsageError } from './usage-error';

/** One flag a command accepts, as its parser and its `--help` both read it. */
export interface OptionSpec {
  /** The flag, e.g. `--out`. */
  readonly flag: string;
  /** Placeholder of its value in the help, e.g. `<dir>`; a flag without one is a switch. @default a switch */
  readonly value?: string;
  /** The values allowed, when they are a fixed few. @default any value */
  readonly choices?: readonly string[];
  /** One sentence: what the flag does. */
  readonly description: string;
  /** What applies without the flag, as the help shows it. @default none shown */
  readonly default?: string;
}

/** A command's command line: what it parses, and what `--help` prints. */
export interface CommandSpec {
  /** The command's name, e.g. `synth`. */
  readonly name: string;
  /** One or two sentences: what the command does. */
  readonly summary: string;
  /** The positional arguments as the usage line shows them, e.g. `<team-or-file>...`. @default none */
  readonly positionals?: string;
  /** How many positional arguments are allowed. @default 0 */
  readonly maxPositionals?: number;
  readonly options: readonly OptionSpec[];
  /** Command lines a user may copy, each optionally followed by `  # what it does`. */
  readonly examples: readonly string[];
}

/** A parsed command line. */
export interface ParsedArgs {
  readonly values: ReadonlyMap<string, string>;
  readonly switches: ReadonlySet<string>;
  readonly positionals: readonly string[];
}

const HELP_FLAGS = ['--help', '-h'];

/**
 * Parses `args` against `spec`. `--help` or `-h` anywhere is a HelpRequested (the help on
 * stdout, exit 0); anything unknown or malformed is a UsageError (exit 2).
 */
export function parseArgs(args: readonly string[], spec: CommandSpec): ParsedArgs {
  if (args.some((argument) => HELP_FLAGS.includes(argument))) throw new HelpRequested(helpText(spec));
  const values = new Map<string, string>();
  const switches = new Set<string>();
  const positionals: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const argument = args[index];
    if (!argument.startsWith('-') || argument === '-') {
      positionals.push(argument);
      continue;
    }
    const [flag, inline] = splitFlag(argument);
    const option = spec.options.find((candidate) => candidate.flag === flag);
    if (option && option.value === undefined && inline === undefined) {
      switches.add(flag);
    } else if (option?.value !== undefined) {
      const value = inline ?? args[++index];
      if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) throw new UsageError(`${flag} needs a value; ${usageOf(spec)}`);
      if (option.choices && !option.choices.includes(value)) throw new UsageError(`${flag} must be one of ${option.choices.join(', ')}, not "${value}"; ${usageOf(spec)}`);
      values.set(flag, value);
    } else {
      throw new UsageError(`unknown argument "${argument}"; ${usageOf(spec)}`);
    }
  }
  if (positionals.length > (spec.maxPositionals ?? 0)) throw new UsageError(`unexpected argument "${positionals[spec.maxPositionals ?? 0]}"; ${usageOf(spec)}`);
  return { values, switches, positionals };
}

/** `text`, the value of `flag`, as a whole number of 1 or more; else a UsageError naming both, with the usage of `spec`. */
export function positiveInteger(flag: string, text: string, spec: CommandSpec): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${flag} takes positive whole numbers, not "${text}"; ${usageOf(spec)}`);
  return value;
}

/** The one-line usage: `usage: mini-atlas synth [--user-space <dir>] [--out <dir>]`. */
export function usageOf(spec: CommandSpec): string {
  const options = spec.options.map((option) => `[${flagWithValue(option)}]`);
  return ['usage: mini-atlas', spec.name, spec.positionals, ...options].filter(Boolean).join(' ');
}

/** Width the help wraps its prose at, so it reads in an 80-column terminal too. */
const HELP_WIDTH = 80;

/** The text of `--help`: usage, what the command does, its options with their defaults, examples. */
export function helpText(spec: CommandSpec): string {
  const rows = [...spec.options.map((option) => [flagWithValue(option), describeOption(option)]), ['-h, --help', 'Show this help and exit.']];
  const width = Math.max(...rows.map(([flag]) => flag.length));
  const indent = ' '.repeat(width + 4);
  return [
    usageOf(spec),
    '',
    ...wrap(spec.summary, HELP_WIDTH),
    '',
    'Options:',
    ...rows.flatMap(([flag, description]) => wrap(description, HELP_WIDTH - indent.length).map((line, index) => (index === 0 ? `  ${flag.padEnd(width)}  ${line}` : `${indent}${line}`))),
    '',
    'Examples:',
    ...spec.examples.map((example) => `  ${example}`),
    '',
  ].join('\n');
}

/** `text` in lines of at most `width` characters, broken between words (a longer word stands alone). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

function flagWithValue(option: OptionSpec): string {
  return option.value === undefined ? option.flag : `${option.flag} ${option.value}`;
}

function describeOption(option: OptionSpec): string {
  return option.default === undefined ? option.description : `${option.description} Default: ${option.default}.`;
}

function splitFlag(argument: string): [string, string | undefined] {
  const equals = argument.indexOf('=');
  // Stryker disable next-line EqualityOperator: a flag starts with '-', so '=' is never its first character
  return equals < 0 ? [argument, undefined] : [argument.slice(0, equals), argument.slice(equals + 1)];
}
