/**
 * Finds the cluster to talk to with @kubernetes/client-node's KubeConfig, the way kubectl does:
 * KUBECONFIG's files merged (else ~/.kube/config), then the context asked for on the command line.
 */
import * as fs from 'fs';
import * as path from 'path';
import { KubeConfig, findHomeDir } from '@kubernetes/client-node';
import { ClusterError } from './errors';

/** A kubeconfig whose current context is the chosen one, ready to authenticate requests. */
export interface ClusterTarget {
  readonly kubeConfig: KubeConfig;
  /** Name of the chosen context. */
  readonly context: string;
  /** API server URL of its cluster, e.g. `https://127.0.0.1:6443`. */
  readonly server: string;
}

/** Which context to use: an explicit one, else `kind-<cluster>` when present, else the current one. */
export interface ContextChoice {
  readonly context?: string;
  readonly cluster?: string;
}

/** Loads the kubeconfig and selects the chosen context, or throws a ClusterError saying why it cannot. */
export function loadClusterTarget(choice: ContextChoice): ClusterTarget {
  const files = kubeconfigFiles();
  const existing = files.filter((file) => fs.existsSync(file));
  if (existing.length === 0) {
    // Checked here: without a file, loadFromDefault quietly falls back to in-cluster or http://localhost:8080.
    throw new ClusterError(`no kubeconfig found at ${files.join(', ') || '~/.kube/config'}; create a cluster (cluster/bootstrap.sh) or set KUBECONFIG`, false);
  }
  const kubeConfig = readKubeConfig(existing);
  const context = chooseContext(kubeConfig, choice, existing);
  kubeConfig.setCurrentContext(context);
  const contextObject = kubeConfig.getContextObject(context);
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster?.server) {
    throw new ClusterError(`the context "${context}" names the cluster "${contextObject?.cluster ?? ''}", which the kubeconfig does not define with a server`, false);
  }
  if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify) {
    // client-node refuses plain HTTP with a bare Error at request time; say so up front instead.
    throw new ClusterError(`the context "${context}" points at the plain-HTTP server ${cluster.server}, which @kubernetes/client-node only accepts with insecure-skip-tls-verify: true`, false);
  }
  return { kubeConfig, context, server: cluster.server.replace(/\/+$/, '') };
}

/** The files loadFromDefault reads, in its order: KUBECONFIG's entries, else ~/.kube/config. */
function kubeconfigFiles(): string[] {
  const fromEnv = (process.env.KUBECONFIG ?? '').split(path.delimiter).filter((file) => file !== '');
  if (fromEnv.length > 0) return fromEnv;
  const home = findHomeDir();
  return home ? [path.join(home, '.kube', 'config')] : [];
}

function readKubeConfig(existing: readonly string[]): KubeConfig {
  const kubeConfig = new KubeConfig();
  try {
    // `filter` drops malformed entries instead of failing on them, as kubectl tolerates them too;
    // `true` keeps the first file's current-context, kubectl's merge rule.
    kubeConfig.loadFromDefault({ onInvalidEntry: 'filter' }, true);
  } catch (error) {
    throw loadError(error, existing);
  }
  return kubeConfig;
}

/** The sentence for a kubeconfig client-node could not load. */
function loadError(error: unknown, existing: readonly string[]): ClusterError {
  const { code, path: file, message } = error as NodeJS.ErrnoException;
  if (code === 'ENOENT') {
    return new ClusterError(`the kubeconfig ${file ?? ''} named in KUBECONFIG does not exist; remove it from KUBECONFIG (@kubernetes/client-node, unlike kubectl, does not skip missing files)`, false);
  }
  const duplicate = /^Duplicate (cluster|user|context): (.*)$/.exec(String(message));
  if (duplicate) {
    return new ClusterError(`the kubeconfigs ${existing.join(', ')} define the ${duplicate[1]} "${duplicate[2]}" more than once, which @kubernetes/client-node does not merge; rename one of them`, false);
  }
  return new ClusterError(`the kubeconfig (${existing.join(', ')}) cannot be read: ${String(message ?? error).split('\n')[0]}`, false);
}

function chooseContext(kubeConfig: KubeConfig, choice: ContextChoice, files: readonly string[]): string {
  const known = kubeConfig.getContexts().map((context) => context.name);
  const kindContext = choice.cluster ? `kind-${choice.cluster}` : undefined;
  const chosen = choice.context ?? (kindContext && known.includes(kindContext) ? kindContext : kubeConfig.getCurrentContext());
  if (!chosen) throw new ClusterError(`the kubeconfig (${files.join(', ')}) has no current context; pass --context`, false);
  if (!known.includes(chosen)) {
    throw new ClusterError(`the context "${chosen}" is not in the kubeconfig (${files.join(', ')}); known contexts: ${known.join(', ') || 'none'}`, false);
  }
  return chosen;
}
