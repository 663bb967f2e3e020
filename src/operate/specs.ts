/**
 * The command lines of the operator commands, apart from their code so that `--help` and the
 * tests read them without loading @kubernetes/client-node.
 */
import { PLATFORM } from '../../config/platform';
import type { CommandSpec, OptionSpec } from '../cli/args';
import { CLUSTER_OPTIONS } from '../status/args';

/** `--port <local-port>`, described with what it does without it. */
export function localPortOption(fallback: string): OptionSpec {
  return { flag: '--port', value: '<local-port>', description: 'Local port to listen on (127.0.0.1); 0 picks a free one.', default: fallback };
}

export const LOGS_COMMAND: CommandSpec = {
  name: 'logs',
  summary:
    "Prints the logs of a WebApplication's pods through the kubeconfig (as kubectl finds it), each line behind its pod's name. Exit 0 when logs were shown, 1 when the app has no pods (or none whose log could be read), 2 for a wrong command line or a cluster that cannot be asked.",
  positionals: '<team>/<app>',
  maxPositionals: 1,
  options: [
    ...CLUSTER_OPTIONS,
    { flag: '--since', value: '<duration>', description: 'Only lines newer than this, e.g. 10m or 1h.', default: 'everything the kubelet keeps' },
    { flag: '--follow', description: 'Keep streaming new lines until Ctrl-C.' },
  ],
  examples: ['npm run logs -- team-b/shop --since 10m', 'npm run logs -- team-b/team-b-shop --cluster dev --follow'],
};

export const KUBECONFIG_COMMAND: CommandSpec = {
  name: 'kubeconfig',
  summary:
    "Hands out a VirtualCluster's kubeconfig (from its Secret vc-<name>) pointed at a local port that this command forwards to the vcluster pod through the host cluster's API server, until Ctrl-C (exit 0). Exit 1 when the virtual cluster has no kubeconfig or ready pod yet, 2 for a wrong command line, an existing --out file or a cluster that cannot be asked.",
  positionals: '<team>/<virtual-cluster>',
  maxPositionals: 1,
  options: [
    ...CLUSTER_OPTIONS,
    { flag: '--out', value: '<file>', description: 'Write the kubeconfig to this new file (mode 0600; an existing file is never overwritten).', default: 'stdout' },
    localPortOption('a free port'),
  ],
  examples: ['npm run kubeconfig -- team-b/sandbox --out team-b-sandbox.kubeconfig', 'npm run kubeconfig -- team-b/team-b-sandbox --cluster dev --port 8443'],
};

export const DASHBOARD_COMMAND: CommandSpec = {
  name: 'dashboard',
  summary:
    "Forwards a local port to the Grafana pod in the monitoring namespace, through the kubeconfig (as kubectl finds it), and prints Grafana's URL; the forward lasts until Ctrl-C (exit 0). Exit 1 when Grafana has no ready pod, 2 for a wrong command line, a port in use or a cluster that cannot be asked.",
  options: [...CLUSTER_OPTIONS, localPortOption(String(PLATFORM.monitoring.grafana.port))],
  examples: ['npm run dashboard', 'npm run dashboard -- --cluster dev --port 3001'],
};
