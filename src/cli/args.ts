import { UsageError } from './usage-error';

/** The flags a command accepts. */
export interface FlagSpec {
  /** Flags that take a value: `--out dist` or `--out=dist`. */
  readonly values?: readonly string[];
  /** Flags that stand alone: `--json`. */
  readonly switches?: readonly string[];
  /** How many positional arguments are allowed. @default 0 */
  readonly maxPositionals?: number;
  /** Shown after every usage error. */
  readonly usage: string;
}

/** A parsed command line. */
export interface ParsedArgs {
  readonly values: ReadonlyMap<string, string>;
  readonly switches: ReadonlySet<string>;
  readonly positionals: readonly string[];
}

/** Parses `args` against `spec`; anything unknown or malformed is a UsageError (exit 2). */
export function parseArgs(args: readonly string[], spec: FlagSpec): ParsedArgs {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  const positionals: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const argument = args[index];
    if (!argument.startsWith('--')) {
      positionals.push(argument);
      continue;
    }
    const [flag, inline] = splitFlag(argument);
    if (spec.switches?.includes(flag) && inline === undefined) {
      switches.add(flag);
    } else if (spec.values?.includes(flag)) {
      const value = inline ?? args[++index];
      if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) throw new UsageError(`${flag} needs a value; ${spec.usage}`);
      values.set(flag, value);
    } else {
      throw new UsageError(`unknown argument "${argument}"; ${spec.usage}`);
    }
  }
  if (positionals.length > (spec.maxPositionals ?? 0)) throw new UsageError(`unexpected argument "${positionals[spec.maxPositionals ?? 0]}"; ${spec.usage}`);
  return { values, switches, positionals };
}

function splitFlag(argument: string): [string, string | undefined] {
  const equals = argument.indexOf('=');
  return equals < 0 ? [argument, undefined] : [argument.slice(0, equals), argument.slice(equals + 1)];
}
