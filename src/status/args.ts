/** The command line of `mini-atlas status`. */
import { CLUSTERS, findCluster } from '../../config/clusters';
import { parseArgs } from '../cli/args';
import { UsageError } from '../cli/usage-error';

/** What `status` was asked to do. */
export interface StatusOptions {
  /** Cluster from config/clusters.ts; picks the `kind-<cluster>` context when there is one. */
  readonly cluster?: string;
  /** Kubeconfig context; wins over `cluster`. */
  readonly context?: string;
  /** Show only this team's instances. */
  readonly team?: string;
  /** Redraw until interrupted. */
  readonly watch: boolean;
  /** Poll until everything is ready or this many milliseconds have passed. */
  readonly waitMs?: number;
  readonly json: boolean;
  /** Give up on one API request after this many milliseconds. */
  readonly requestTimeoutMs: number;
}

export const USAGE =
  'usage: mini-atlas status [--cluster <name>] [--context <context>] [--team <team>] [--watch | --wait <duration>] [--json] [--request-timeout <duration>]';

const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
const VALUE_FLAGS = ['--cluster', '--context', '--team', '--wait', '--request-timeout'] as const;
const SWITCHES = ['--watch', '--json'] as const;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Parses a Go-style duration such as `30s`, `15m`, `1h` or `1m30s` into milliseconds. */
export function parseDuration(text: string): number {
  if (!/^(\d+(ms|s|m|h))+$/.test(text)) throw new UsageError(`"${text}" is not a duration; write it like 30s, 15m, 1h or 1m30s`);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ms|s|m|h)/g)) total += Number(amount) * UNIT_MS[unit];
  if (total === 0) throw new UsageError(`the duration "${text}" must be longer than zero`);
  return total;
}

/** Parses the arguments after `status`, rejecting anything it does not know with a UsageError. */
export function parseStatusArgs(args: readonly string[]): StatusOptions {
  const { values, switches } = parseArgs(args, { values: VALUE_FLAGS, switches: SWITCHES, usage: USAGE });
  const cluster = values.get('--cluster');
  if (cluster !== undefined && !findCluster(cluster)) {
    throw new UsageError(`unknown cluster "${cluster}"; one of: ${CLUSTERS.map((known) => known.name).join(', ')}`);
  }
  const wait = values.get('--wait');
  const timeout = values.get('--request-timeout');
  const options: StatusOptions = {
    cluster,
    context: values.get('--context'),
    team: values.get('--team'),
    watch: switches.has('--watch'),
    waitMs: wait === undefined ? undefined : parseDuration(wait),
    json: switches.has('--json'),
    requestTimeoutMs: timeout === undefined ? DEFAULT_REQUEST_TIMEOUT_MS : parseDuration(timeout),
  };
  if (options.watch && options.waitMs !== undefined) throw new UsageError('--watch and --wait exclude each other: --watch never stops, --wait stops once all is ready');
  if (options.watch && options.json) throw new UsageError('--watch redraws a table; for JSON, run without --watch (as often as you like)');
  return options;
}
