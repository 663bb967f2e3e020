/**
 * Finds the cluster to talk to with @kubernetes/client-node's KubeConfig, the way kubectl does:
 * KUBECONFIG's files merged by kubectl's rules (else ~/.kube/config), then the context asked for
 * on the command line.
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
  // Like kubectl, a file named in KUBECONFIG that does not exist is skipped.
  const existing = files.filter((file) => fs.existsSync(file));
  if (existing.length === 0) {
    // Checked here: without a file, loadFromDefault quietly falls back to in-cluster or http://localhost:8080.
    throw new ClusterError(`no kubeconfig found at ${files.join(', ') || '~/.kube/config'}; create a cluster (cluster/bootstrap.sh) or set KUBECONFIG`, false);
  }
  const kubeConfig = readKubeConfig(existing);
  const context = chooseContext(kubeConfig, choice, existing);
  kubeConfig.setCurrentContext(context);
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster?.server) {
    // The context is one of the kubeconfig's (chooseContext), and one without a cluster was left out when read.
    throw new ClusterError(`the context "${context}" names the cluster "${kubeConfig.getContextObject(context)!.cluster}", which the kubeconfig does not define with a server`, false);
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

/**
 * The kubeconfig files merged the way kubectl merges them: for a cluster, user or context named
 * in several files the first file's wins, and the current context is the first file's that sets
 * one. (@kubernetes/client-node's own merge refuses any name defined twice.)
 */
function readKubeConfig(existing: readonly string[]): KubeConfig {
  const files = existing.map((file) => {
    const kubeConfig = new KubeConfig();
    try {
      // `filter` drops malformed entries instead of failing on them, as kubectl tolerates them too.
      kubeConfig.loadFromFile(file, { onInvalidEntry: 'filter' });
    } catch (error) {
      throw new ClusterError(`the kubeconfig ${file} cannot be read: ${String((error as Error).message ?? error).split('\n')[0]}`, false);
    }
    return kubeConfig;
  });
  const merged = new KubeConfig();
  merged.loadFromOptions({
    clusters: firstByName(files.flatMap((file) => file.clusters)),
    users: firstByName(files.flatMap((file) => file.users)),
    contexts: firstByName(files.flatMap((file) => file.contexts)),
    currentContext: files.map((file) => file.currentContext).find((context) => context),
  });
  return merged;
}

/** Each name's first entry, in order. */
function firstByName<T extends { readonly name: string }>(entries: readonly T[]): T[] {
  const seen = new Set<string>();
  return entries.filter((entry) => !seen.has(entry.name) && seen.add(entry.name));
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
