/** The command line of `mini-atlas status`. */
import { CLUSTERS, findCluster } from '../../config/clusters';
import { parseArgs, type CommandSpec, type OptionSpec } from '../cli/args';
import { UsageError } from '../cli/usage-error';
import type { ContextChoice } from './kubeconfig';

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

const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

/** How `status` and the operator commands (`logs`, `kubeconfig`, `dashboard`) choose their cluster. */
export const CLUSTER_OPTIONS: readonly OptionSpec[] = [
  { flag: '--cluster', value: '<name>', description: `Cluster from config/clusters.ts (${CLUSTERS.map((cluster) => cluster.name).join(', ')}); picks the kind-<name> context.`, default: 'the current context' },
  { flag: '--context', value: '<context>', description: 'Kubeconfig context; wins over --cluster.' },
];

export const STATUS_COMMAND: CommandSpec = {
  name: 'status',
  summary:
    "Reads the cluster's Flux objects, abstractions and every team's instances through the kubeconfig (as kubectl finds it) and shows what is ready and, for what is not, why. Exit 0 when all is ready, 1 when not, 2 when the cluster cannot be read.",
  options: [
    ...CLUSTER_OPTIONS,
    { flag: '--team', value: '<team>', description: "Show only this team's instances." },
    { flag: '--watch', description: 'Redraw until interrupted.' },
    { flag: '--wait', value: '<duration>', description: 'Poll until everything is ready (exit 0) or the duration has passed (exit 1), e.g. 15m.' },
    { flag: '--json', description: 'Print one JSON document instead of the table.' },
    { flag: '--request-timeout', value: '<duration>', description: 'Give up on one API request after this long.', default: `${DEFAULT_REQUEST_TIMEOUT_MS / 1000}s` },
  ],
  examples: ['npm run status -- --cluster dev', 'npm run status -- --cluster dev --team team-a --wait 10m'],
};

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Parses a Go-style duration such as `30s`, `15m`, `1h` or `1m30s` into milliseconds. */
export function parseDuration(text: string): number {
  if (!/^(\d+(ms|s|m|h))+$/.test(text)) throw new UsageError(`"${text}" is not a duration; write it like 30s, 15m, 1h or 1m30s`);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ms|s|m|h)/g)) total += Number(amount) * UNIT_MS[unit];
  if (total === 0) throw new UsageError(`the duration "${text}" must be longer than zero`);
  return total;
}

/** `15m`, `1m30s`, `4s`: how long `ms` (more than 0) is, in whole seconds rounded up, as the flags take it. */
export function formatDuration(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  const parts = [
    [Math.floor(seconds / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'm'],
    [seconds % 60, 's'],
  ] as const;
  return parts.filter(([amount]) => amount > 0).map(([amount, unit]) => `${amount}${unit}`).join('');
}

/** The context choice of CLUSTER_OPTIONS; a cluster config/clusters.ts does not know is a UsageError. */
export function contextChoice(values: ReadonlyMap<string, string>): ContextChoice {
  const cluster = values.get('--cluster');
  if (cluster !== undefined && !findCluster(cluster)) {
    throw new UsageError(`unknown cluster "${cluster}"; one of: ${CLUSTERS.map((known) => known.name).join(', ')}`);
  }
  return { cluster, context: values.get('--context') };
}

/** Parses the arguments after `status`, rejecting anything it does not know with a UsageError. */
export function parseStatusArgs(args: readonly string[]): StatusOptions {
  const { values, switches } = parseArgs(args, STATUS_COMMAND);
  const wait = values.get('--wait');
  const timeout = values.get('--request-timeout');
  const options: StatusOptions = {
    ...contextChoice(values),
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
