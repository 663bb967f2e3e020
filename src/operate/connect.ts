/**
 * What the operator commands (`logs`, `kubeconfig`, `dashboard`) share with `status`: the cluster
 * and context flags, the kubeconfig as kubectl finds it, the read-only API client, and how a
 * failure becomes one sentence and an exit code.
 */
import { PATTERNS } from '../../abstractions/fields';
import { NAMING_CONVENTION } from '../../config/naming';
import { UsageError } from '../cli/usage-error';
import { ClusterApi, createClusterApi } from '../status/api';
import { ClusterError } from '../status/errors';
import { contextChoice } from '../status/args';
import { ClusterTarget, loadClusterTarget } from '../status/kubeconfig';
import { NotFoundError } from './errors';

/** A cluster to talk to, through the user's own kubeconfig. */
export interface Connection {
  readonly target: ClusterTarget;
  readonly api: ClusterApi;
}

/** Requests give up after this long: a command without a cluster fails in seconds, not minutes. */
const REQUEST_TIMEOUT_MS = 5_000;

/** Loads the kubeconfig for `--cluster`/`--context`; a ClusterError when it is unusable. */
export function connect(values: ReadonlyMap<string, string>): Connection {
  const target = loadClusterTarget(contextChoice(values));
  return { target, api: createClusterApi(target, REQUEST_TIMEOUT_MS) };
}

/** A team's instance as the commands name it: `<team>/<name>`, the name with or without the `<team>-` prefix. */
export interface InstanceRef {
  readonly team: string;
  /** The instance's full name, e.g. `team-b-shop`. */
  readonly name: string;
}

const DNS_LABEL = new RegExp(PATTERNS.dnsLabel);

/** Parses `<team>/<name>`; anything else is a UsageError naming the expected form. */
export function parseInstanceRef(argument: string | undefined, what: string, usage: string): InstanceRef {
  if (argument === undefined) throw new UsageError(`which ${what}? give it as <team>/<name>; ${usage}`);
  const [team, name, ...rest] = argument.split('/');
  if (name === undefined || rest.length > 0 || !DNS_LABEL.test(team) || !DNS_LABEL.test(name)) {
    throw new UsageError(`"${argument}" is not <team>/<name> (lower-case letters, digits and "-" on both sides of one "/"); ${usage}`);
  }
  return { team, name: NAMING_CONVENTION.qualify(team, name) };
}

/**
 * The exit code for what went wrong, with its sentence on stderr: 2 when the cluster could not be
 * asked (no kubeconfig, unreachable, credentials refused), 1 when it answered that what was asked
 * for is not there. Anything else is not ours to word and goes on up.
 */
export function reportFailure(command: string, error: unknown): number {
  if (error instanceof ClusterError) {
    process.stderr.write(`mini-atlas ${command}: ${error.message}\n`);
    return 2;
  }
  if (error instanceof NotFoundError) {
    process.stderr.write(`mini-atlas ${command}: ${error.message}\n`);
    return 1;
  }
  throw error;
}
