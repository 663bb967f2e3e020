/**
 * `mini-atlas kubeconfig <team>/<virtual-cluster>`: what `vcluster connect` does, without the
 * vcluster CLI. The virtual cluster's API server is not exposed outside the host cluster (no
 * Service of type LoadBalancer, no Ingress: nothing a team could open to the internet by mistake),
 * so the command forwards a local port to the vcluster pod's 8443 through the host API server,
 * with the developer's own credentials, and hands out the kubeconfig from the Secret `vc-<name>`
 * with its server pointed at that port. The forward lasts until Ctrl-C.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { parseArgs, usageOf } from '../cli/args';
import { UsageError } from '../cli/usage-error';
import { interrupted } from '../cli/interrupted';
import { connect, parseInstanceRef, reportFailure } from './connect';
import { NotFoundError } from './errors';
import { localPortOf } from './local-port';
import { forwardPort } from './port-forward';
import { readyPod, selectorOf } from './pods';
import { KUBECONFIG_COMMAND } from './specs';

const KUBECONFIG_USAGE = usageOf(KUBECONFIG_COMMAND);

/** Where vcluster serves its API in its pod, and the Secret key of the kubeconfig it exports (chart 0.30: `vc-<release>`, key `config`). */
const VCLUSTER = { port: 8443, secretKey: 'config' } as const;

/** Forwards until Ctrl-C, then exit 0; 1 no such virtual cluster (yet); 2 usage, an existing --out, or cluster unusable. */
export async function runKubeconfig(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs(args, KUBECONFIG_COMMAND);
  const cluster = parseInstanceRef(positionals[0], 'virtual cluster', KUBECONFIG_USAGE);
  const localPort = localPortOf(values, 0, KUBECONFIG_USAGE);
  const out = values.get('--out');
  if (out !== undefined && fs.existsSync(out)) throw new UsageError(`${out} already exists; mini-atlas never overwrites a file: remove it or choose another --out`);
  try {
    const { target, api } = connect(values);
    const secretName = `vc-${cluster.name}`;
    const secret = await api.readSecret(cluster.team, secretName);
    const encoded = secret?.data?.[VCLUSTER.secretKey];
    if (encoded === undefined) throw new NotFoundError(`no kubeconfig of VirtualCluster ${cluster.name} yet: the Secret ${cluster.team}/${secretName} ${secret ? `has no "${VCLUSTER.secretKey}" key` : 'does not exist'}; npm run status -- --team ${cluster.team} shows whether it is ready`);
    const pod = await readyPod(api, cluster.team, selectorOf({ app: 'vcluster', release: cluster.name }), `VirtualCluster ${cluster.name}`);
    const forward = await forwardPort(target.kubeConfig, { namespace: cluster.team, pod, port: VCLUSTER.port }, localPort, (line) => process.stderr.write(`${line}\n`));
    try {
      const kubeconfig = pointedAt(Buffer.from(encoded, 'base64').toString('utf8'), `https://localhost:${forward.localPort}`);
      if (out === undefined) process.stdout.write(kubeconfig);
      else writeNew(out, kubeconfig);
    } catch (error) {
      await forward.close();
      throw error;
    }
    const stopped = interrupted();
    const use = out === undefined ? 'save the kubeconfig above to a file and point KUBECONFIG at it' : `KUBECONFIG=${path.resolve(out)} kubectl get namespaces`;
    process.stderr.write(`VirtualCluster ${cluster.team}/${cluster.name} reachable at https://localhost:${forward.localPort} while this runs (forwarded to ${pod}:${VCLUSTER.port}); ${use}; Ctrl-C to stop\n`);
    await stopped;
    await forward.close();
    return 0;
  } catch (error) {
    return reportFailure('kubeconfig', error);
  }
}

/**
 * The kubeconfig with every cluster's server replaced by `server`. vcluster's certificate is valid
 * for localhost, which its exported kubeconfig already uses (https://localhost:8443); only the
 * port changes.
 */
function pointedAt(kubeconfig: string, server: string): string {
  const config = parse(kubeconfig) as { clusters?: { cluster?: { server?: string } }[] } | null;
  if (!config || !Array.isArray(config.clusters) || config.clusters.length === 0) throw new NotFoundError('the virtual cluster\'s Secret holds no kubeconfig with a cluster in it; is the vcluster still starting?');
  for (const entry of config.clusters) if (entry.cluster) entry.cluster.server = server;
  return stringify(config);
}

/** Writes `text` to a file that must not exist yet, readable by its owner only (it holds a client key). */
function writeNew(file: string, text: string): void {
  try {
    fs.writeFileSync(file, text, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'EEXIST' ? `${file} already exists; mini-atlas never overwrites a file: remove it or choose another --out` : `cannot write ${file}: ${code ?? String(error)}`);
  }
}
