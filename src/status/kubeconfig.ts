/**
 * Reads the kubeconfig the way kubectl does (KUBECONFIG's files merged, first one wins, else
 * ~/.kube/config) and resolves one context into what an HTTP request to its API server needs.
 *
 * Why not @kubernetes/client-node's KubeConfig: client-node 2.x loads undici 8, which needs
 * Node >= 22.19 and throws at import time on the Node 20 this project runs on.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { ClusterError } from './errors';

/** Everything needed to call one cluster's API server as one user. */
export interface ClusterEndpoint {
  /** Name of the kubeconfig context this came from. */
  readonly context: string;
  /** API server URL, e.g. `https://127.0.0.1:6443`. */
  readonly server: string;
  /** PEM CA bundle to trust instead of the system's, if the kubeconfig names one. */
  readonly ca?: Buffer;
  /** PEM client certificate and key, for clusters (like kind's) that authenticate by certificate. */
  readonly cert?: Buffer;
  readonly key?: Buffer;
  /** Bearer token, from the kubeconfig, a token file or an exec credential plugin. */
  readonly token?: string;
  /** `insecure-skip-tls-verify: true` in the kubeconfig. */
  readonly insecure: boolean;
}

/** Which context to use: an explicit one, else `kind-<cluster>` when present, else the current one. */
export interface ContextChoice {
  readonly context?: string;
  readonly cluster?: string;
}

interface Named<T> {
  readonly name: string;
  readonly value: T;
  /** Folder of the kubeconfig file the entry came from; relative paths inside it start there. */
  readonly base: string;
}

interface ClusterEntry {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
}

interface ExecConfig {
  command: string;
  args?: string[];
  env?: { name: string; value: string }[];
}

interface UserEntry {
  token?: string;
  tokenFile?: string;
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  exec?: ExecConfig;
  'auth-provider'?: { name?: string };
}

interface ContextEntry {
  cluster?: string;
  user?: string;
}

interface MergedKubeconfig {
  readonly files: readonly string[];
  readonly clusters: Map<string, Named<ClusterEntry>>;
  readonly users: Map<string, Named<UserEntry>>;
  readonly contexts: Map<string, Named<ContextEntry>>;
  readonly currentContext?: string;
}

const EXEC_TIMEOUT_MS = 20_000;

/** The kubeconfig files in effect, in kubectl's order of precedence. */
export function kubeconfigFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = (env.KUBECONFIG ?? '').split(path.delimiter).filter((file) => file !== '');
  if (fromEnv.length > 0) return fromEnv;
  return [path.join(env.HOME ?? os.homedir(), '.kube', 'config')];
}

/** Resolves the chosen context of the merged kubeconfig into an endpoint, or throws a ClusterError. */
export function loadEndpoint(choice: ContextChoice, env: NodeJS.ProcessEnv = process.env): ClusterEndpoint {
  const config = mergeKubeconfigs(kubeconfigFiles(env));
  const contextName = chooseContext(config, choice);
  const context = config.contexts.get(contextName);
  if (!context) {
    const known = [...config.contexts.keys()].join(', ') || 'none';
    throw new ClusterError(`the context "${contextName}" is not in the kubeconfig (${config.files.join(', ')}); known contexts: ${known}`, false);
  }
  const cluster = context.value.cluster ? config.clusters.get(context.value.cluster) : undefined;
  if (!cluster?.value.server) {
    throw new ClusterError(`the context "${contextName}" names the cluster "${context.value.cluster ?? ''}", which the kubeconfig does not define with a server`, false);
  }
  const user = context.value.user ? config.users.get(context.value.user) : undefined;
  return {
    context: contextName,
    server: cluster.value.server.replace(/\/+$/, ''),
    ca: pemFrom(cluster.value['certificate-authority-data'], cluster.value['certificate-authority'], cluster.base),
    insecure: cluster.value['insecure-skip-tls-verify'] === true,
    ...(user ? credentialsOf(user, contextName) : {}),
  };
}

function mergeKubeconfigs(files: readonly string[]): MergedKubeconfig {
  const clusters = new Map<string, Named<ClusterEntry>>();
  const users = new Map<string, Named<UserEntry>>();
  const contexts = new Map<string, Named<ContextEntry>>();
  let currentContext: string | undefined;
  const existing = files.filter((file) => fs.existsSync(file));
  if (existing.length === 0) {
    throw new ClusterError(`no kubeconfig found at ${files.join(', ')}; create a cluster (cluster/bootstrap.sh) or set KUBECONFIG`, false);
  }
  for (const file of existing) {
    const document = readKubeconfig(file);
    const base = path.dirname(path.resolve(file));
    addEntries(clusters, document.clusters, 'cluster', base);
    addEntries(users, document.users, 'user', base);
    addEntries(contexts, document.contexts, 'context', base);
    currentContext ??= document['current-context'] || undefined;
  }
  return { files: existing, clusters, users, contexts, currentContext };
}

interface KubeconfigDocument {
  clusters?: { name: string; cluster?: ClusterEntry }[];
  users?: { name: string; user?: UserEntry }[];
  contexts?: { name: string; context?: ContextEntry }[];
  'current-context'?: string;
}

function readKubeconfig(file: string): KubeconfigDocument {
  try {
    return (parse(fs.readFileSync(file, 'utf8')) ?? {}) as KubeconfigDocument;
  } catch (error) {
    throw new ClusterError(`the kubeconfig ${file} cannot be read: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, false);
  }
}

/** kubectl's merge rule: the first file that defines a name wins. */
function addEntries<T>(target: Map<string, Named<T>>, entries: readonly ({ name: string } & Partial<Record<string, unknown>>)[] | undefined, key: string, base: string): void {
  for (const entry of entries ?? []) {
    if (entry.name && !target.has(entry.name)) target.set(entry.name, { name: entry.name, value: (entry[key] ?? {}) as T, base });
  }
}

function chooseContext(config: MergedKubeconfig, choice: ContextChoice): string {
  if (choice.context) return choice.context;
  const kindContext = choice.cluster ? `kind-${choice.cluster}` : undefined;
  if (kindContext && config.contexts.has(kindContext)) return kindContext;
  if (config.currentContext) return config.currentContext;
  throw new ClusterError(`the kubeconfig (${config.files.join(', ')}) has no current context; pass --context`, false);
}

function pemFrom(data: string | undefined, file: string | undefined, base: string): Buffer | undefined {
  if (data) return Buffer.from(data, 'base64');
  if (file) return readReferencedFile(path.resolve(base, file));
  return undefined;
}

function readReferencedFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch {
    throw new ClusterError(`the kubeconfig refers to ${file}, which cannot be read`, false);
  }
}

function credentialsOf(user: Named<UserEntry>, contextName: string): Pick<ClusterEndpoint, 'cert' | 'key' | 'token'> {
  const entry = user.value;
  if (entry['auth-provider']) {
    throw new ClusterError(`the user "${user.name}" of context "${contextName}" uses the "${entry['auth-provider'].name ?? ''}" auth provider, which kubectl itself dropped; switch it to an exec credential plugin`, false);
  }
  if (entry.exec) return runExecPlugin(entry.exec, user.name);
  const token = entry.token ?? (entry.tokenFile ? readReferencedFile(path.resolve(user.base, entry.tokenFile)).toString('utf8').trim() : undefined);
  return {
    token,
    cert: pemFrom(entry['client-certificate-data'], entry['client-certificate'], user.base),
    key: pemFrom(entry['client-key-data'], entry['client-key'], user.base),
  };
}

/** Runs a client-go exec credential plugin (as cloud clusters use) and takes its ExecCredential. */
function runExecPlugin(exec: ExecConfig, userName: string): Pick<ClusterEndpoint, 'cert' | 'key' | 'token'> {
  const env = { ...process.env, ...Object.fromEntries((exec.env ?? []).map(({ name, value }) => [name, value])) };
  const result = spawnSync(exec.command, exec.args ?? [], { env, encoding: 'utf8', timeout: EXEC_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : (result.stderr.trim().split('\n')[0] ?? `exit code ${result.status}`);
    throw new ClusterError(`the credential plugin "${exec.command}" of user "${userName}" failed: ${why}`, false);
  }
  let status: { token?: string; clientCertificateData?: string; clientKeyData?: string } | undefined;
  try {
    status = (JSON.parse(result.stdout) as { status?: typeof status }).status;
  } catch {
    throw new ClusterError(`the credential plugin "${exec.command}" of user "${userName}" did not print an ExecCredential`, false);
  }
  return {
    token: status?.token,
    cert: status?.clientCertificateData ? Buffer.from(status.clientCertificateData) : undefined,
    key: status?.clientKeyData ? Buffer.from(status.clientKeyData) : undefined,
  };
}
