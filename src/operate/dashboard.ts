/** `mini-atlas dashboard`: Grafana on localhost, through a port-forward to its pod. */
import { PLATFORM } from '../../config/platform';
import { parseArgs, usageOf } from '../cli/args';
import { interrupted } from '../cli/interrupted';
import { connect, reportFailure } from './connect';
import { forwardPort } from './port-forward';
import { localPortOf } from './local-port';
import { readyPod, selectorOf } from './pods';
import { DASHBOARD_COMMAND } from './specs';

const { namespace, grafana } = PLATFORM.monitoring;


/** Forwards until Ctrl-C, then exit 0; 1 when Grafana has no ready pod, 2 usage or cluster unusable. */
export async function runDashboard(args: string[]): Promise<number> {
  const { values } = parseArgs(args, DASHBOARD_COMMAND);
  const localPort = localPortOf(values, grafana.port, usageOf(DASHBOARD_COMMAND));
  try {
    const { target, api } = connect(values);
    const pod = await readyPod(api, namespace, selectorOf(grafana.podLabels), 'Grafana');
    const forward = await forwardPort(target.kubeConfig, { namespace, pod, port: grafana.port }, localPort, (line) => process.stderr.write(`${line}\n`));
    const stopped = interrupted();
    process.stdout.write(`Grafana of ${target.context}: http://localhost:${forward.localPort}/\n`);
    process.stderr.write(`forwarding to ${namespace}/${pod}:${grafana.port}; Ctrl-C to stop\n`);
    await stopped;
    await forward.close();
    return 0;
  } catch (error) {
    return reportFailure('dashboard', error);
  }
}
