/**
 * Test helpers for `status`: the recorded API objects, a fake API server on loopback that serves
 * them, a temporary kubeconfig, and the CLI's commands run in the test's own process (test/in-process.ts).
 */
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { WebSocketServer } from 'ws';
import { parse, stringify } from 'yaml';
import { RawObjects } from '../../src/status/records';
import { tempDir } from '../helpers';
import { startInProcess, type CommandName, type StartedCommand } from '../in-process';

const FIXTURES = path.join(__dirname, 'fixtures');

/** The `items` of a recorded list, or a recorded single object. */
export function fixture(name: string): unknown {
  return parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as unknown;
}

function items(name: string): unknown[] {
  return (fixture(name) as { items: unknown[] }).items;
}

/** What the fake API server serves: list items by API path, and kro's discovery document. */
/**
 * What a pod's forwarded port does with the bytes it receives: answers; answers and then closes
 * the connection (`last`); or fails, as the kubelet says on the error channel when nothing
 * listens on the port (`error`).
 */
export type PortAnswer = (request: Buffer) => Buffer | { readonly last: Buffer } | { readonly error: string };

export interface ClusterState {
  kustomizations: unknown[];
  helmReleases: unknown[];
  namespaces: unknown[];
  graphDefinitions: unknown[];
  /** Set to undefined to play a cluster without kro. */
  kroDiscovery?: { resources: { name: string }[] };
  /** API paths (/apis/<group>/<version>) the server does not serve yet, as before Flux installed them. @default none */
  missingApis?: string[];
  /** Paths the server refuses, with the code and the message of its Status answer. @default none */
  refused?: Record<string, { readonly code: number; readonly message: string }>;
  instances: Record<string, unknown[]>;
  /** Pods by namespace, for the operator commands. @default none */
  pods?: Record<string, unknown[]>;
  /** The log of each pod, by `<namespace>/<pod>`. @default none */
  podLogs?: Record<string, string>;
  /** Pods whose log connection the server cuts, by `<namespace>/<pod>`: before answering, or after the log (when followed). @default none */
  cutLogs?: Record<string, 'before answering' | 'after the log'>;
  /** Secrets by `<namespace>/<name>`. @default none */
  secrets?: Record<string, unknown>;
  /** What a pod's port does with the bytes a port-forwarded connection sends, by `<namespace>/<pod>:<port>`. @default none */
  portAnswers?: Record<string, PortAnswer>;
  /** Called with the path and query of every request, before the server answers it. @default none */
  onRequest?: (pathAndQuery: string) => void;
}

/** A fully ready platform with teams team-a and team-b, from the fixtures. */
export function readyCluster(): ClusterState {
  return {
    kustomizations: items('kustomizations.yaml'),
    helmReleases: items('helmreleases.yaml'),
    namespaces: items('namespaces.yaml'),
    graphDefinitions: items('resourcegraphdefinitions.yaml'),
    kroDiscovery: fixture('kro-discovery.json') as ClusterState['kroDiscovery'],
    instances: Object.fromEntries(['workspaces', 'webapplications', 'infrastructures', 'topics', 'virtualclusters'].map((plural) => [plural, items(`${plural}.yaml`)])),
  };
}

/** The same state as `buildSnapshot` takes it, for tests that need no server. */
export function rawObjects(state: ClusterState): RawObjects {
  const kinds: Record<string, string> = { workspaces: 'Workspace', webapplications: 'WebApplication', infrastructures: 'Infrastructure', topics: 'Topic', virtualclusters: 'VirtualCluster' };
  const served = (state.kroDiscovery?.resources ?? []).map((resource) => resource.name).filter((name) => !name.includes('/'));
  return {
    kustomizations: state.kustomizations,
    helmReleases: state.helmReleases,
    namespaces: state.namespaces,
    graphDefinitions: state.graphDefinitions,
    servedResources: served,
    instances: Object.fromEntries(Object.entries(state.instances).filter(([plural]) => served.includes(plural)).map(([plural, list]) => [kinds[plural], list])),
  };
}

/** Replaces the HelmRelease called `name` by the recorded failing one. */
export function withFailingHelmRelease(state: ClusterState): ClusterState {
  const failing = fixture('helmrelease-failing.yaml') as { metadata: { name: string } };
  return { ...state, helmReleases: state.helmReleases.map((release) => ((release as { metadata: { name: string } }).metadata.name === failing.metadata.name ? failing : release)) };
}

/** A loopback server; `url` is what a kubeconfig points at. */
export interface TestServer {
  readonly url: string;
  close(): Promise<void>;
}

/** The bearer token `writeKubeconfig` gives its user, and the only one the fake API server accepts. */
export const TEST_TOKEN = 'test-token';

/** An HTTP server that answers like an API server holding `state`, to callers with TEST_TOKEN. */
export async function startFakeApiServer(state: ClusterState): Promise<TestServer> {
  const server = await startHttp((request, response) => {
    if (request.headers.authorization !== `Bearer ${TEST_TOKEN}`) return sendJson(response, 401, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 });
    const url = new URL(request.url ?? '/', 'http://localhost');
    state.onRequest?.(`${url.pathname}${url.search}`);
    const refused = state.refused?.[url.pathname];
    if (refused) return sendJson(response, refused.code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: refused.message, code: refused.code });
    const log = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(url.pathname);
    if (log) return sendLog(response, state.podLogs?.[`${log[1]}/${log[2]}`], url.searchParams.get('follow') === 'true', state.cutLogs?.[`${log[1]}/${log[2]}`]);
    const body = route(state, url);
    if (body === undefined) return sendJson(response, 404, notFoundStatus());
    return sendJson(response, 200, body);
  });
  acceptPortForwards(server.http, state);
  return server;
}

/** A pod's log as text; following, the connection stays open after it, as the kubelet's does, unless `cut`. */
function sendLog(response: http.ServerResponse, log: string | undefined, follow: boolean, cut?: 'before answering' | 'after the log'): void {
  if (cut === 'before answering') return void response.socket?.destroy();
  if (log === undefined) return sendJson(response, 400, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'container "app" is waiting to start: ContainerCreating', reason: 'BadRequest', code: 400 });
  response.writeHead(200, { 'content-type': 'text/plain' });
  if (!follow) return void response.end(log);
  response.write(log, () => {
    if (cut === 'after the log') setTimeout(() => response.socket?.destroy(), 50);
  });
}

/**
 * The port-forward subresource: a WebSocket speaking the channel protocol (data on channel 0,
 * errors on 1, each channel's first frame the port number), answering with `portAnswers`.
 */
function acceptPortForwards(server: http.Server, state: ClusterState): void {
  const sockets = new WebSocketServer({ noServer: true, handleProtocols: (offered) => (offered.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) });
  server.on('upgrade', (request: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/.exec(url.pathname);
    const answer = match && state.portAnswers?.[`${match[1]}/${match[2]}:${url.searchParams.get('ports')}`];
    if (request.headers.authorization !== `Bearer ${TEST_TOKEN}` || !answer) {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (webSocket) => {
      const port = Number(url.searchParams.get('ports'));
      const portFrame = (channel: number) => Buffer.from([channel, port & 0xff, port >> 8]);
      webSocket.send(portFrame(0));
      webSocket.send(portFrame(1));
      webSocket.on('message', (data: Buffer) => {
        if (data[0] !== 0) return;
        const reply = answer(data.subarray(1));
        if (Buffer.isBuffer(reply)) return webSocket.send(Buffer.concat([Buffer.from([0]), reply]));
        if ('error' in reply) return webSocket.send(Buffer.concat([Buffer.from([1]), Buffer.from(reply.error)]));
        webSocket.send(Buffer.concat([Buffer.from([0]), reply.last]), () => webSocket.close());
      });
    });
  });
}

/** An HTTP server answering every request with `status` and a Kubernetes Status body. */
export function startStatusServer(status: number, reason: string): Promise<TestServer> {
  return startHttp((_request, response) => sendJson(response, status, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: reason, reason, code: status }));
}

/** A TCP server that accepts connections and never says a word. */
export async function startSilentServer(): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port nothing listens on (it was open a moment ago, so it is a free one). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function route(state: ClusterState, url: URL): unknown {
  const list = (kind: string, items: unknown[]) => ({ apiVersion: 'v1', kind: `${kind}List`, metadata: { resourceVersion: '1' }, items });
  const paths: Record<string, () => unknown> = {
    '/apis/kustomize.toolkit.fluxcd.io/v1/kustomizations': () => list('Kustomization', state.kustomizations),
    '/apis/helm.toolkit.fluxcd.io/v2/helmreleases': () => list('HelmRelease', state.helmReleases),
    '/api/v1/namespaces': () => list('Namespace', state.namespaces.filter((namespace) => matchesSelector(namespace, url.searchParams.get('labelSelector')))),
  };
  if (state.missingApis?.some((api) => url.pathname.startsWith(`${api}/`))) return undefined;
  if (paths[url.pathname]) return paths[url.pathname]();
  const pods = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(url.pathname);
  if (pods) return list('Pod', (state.pods?.[pods[1]] ?? []).filter((pod) => matchesSelector(pod, url.searchParams.get('labelSelector'))));
  const secret = /^\/api\/v1\/namespaces\/([^/]+)\/secrets\/([^/]+)$/.exec(url.pathname);
  if (secret) return state.secrets?.[`${secret[1]}/${secret[2]}`];
  if (!state.kroDiscovery || !url.pathname.startsWith('/apis/kro.run/v1alpha1')) return undefined;
  const plural = url.pathname.slice('/apis/kro.run/v1alpha1/'.length);
  if (!state.kroDiscovery.resources.some((resource) => resource.name === plural)) return undefined;
  return list(plural, plural === 'resourcegraphdefinitions' ? state.graphDefinitions : (state.instances[plural] ?? []));
}

/** Comma-separated `key` or `key=value` terms, the selector forms the commands send. */
function matchesSelector(object: unknown, selector: string | null): boolean {
  if (!selector) return true;
  const labels = (object as { metadata?: { labels?: Record<string, string> } }).metadata?.labels ?? {};
  return selector.split(',').every((term) => {
    const [key, value] = term.split('=');
    return value === undefined ? key in labels : labels[key] === value;
  });
}

function notFoundStatus(): unknown {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 };
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function startHttp(handler: http.RequestListener): Promise<TestServer & { readonly http: http.Server }> {
  const server = http.createServer(handler);
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    http: server,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

/**
 * Writes a kubeconfig whose contexts (the first is current) point at the given servers. The
 * loopback servers speak plain HTTP, which @kubernetes/client-node only accepts with
 * `insecure-skip-tls-verify`, so `plainHttp: 'as-is'` leaves that out to play a kubeconfig without it.
 */
export function writeKubeconfig(contexts: Record<string, string>, user: Record<string, string> = { token: TEST_TOKEN }, plainHttp: 'allowed' | 'as-is' = 'allowed'): string {
  const dir = tempDir('status');
  const names = Object.keys(contexts);
  const allowHttp = (server: string) => plainHttp === 'allowed' && server.startsWith('http:');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': names[0],
    clusters: names.map((name) => ({ name, cluster: { server: contexts[name], ...(allowHttp(contexts[name]) ? { 'insecure-skip-tls-verify': true } : {}) } })),
    // Named after the file's first context, so that several files can be merged without a clash.
    users: [{ name: `${names[0]}-user`, user }],
    contexts: names.map((name) => ({ name, context: { cluster: name, user: `${names[0]}-user` } })),
  };
  const file = path.join(dir, 'config');
  fs.writeFileSync(file, stringify(config));
  return file;
}

/** What a run of the CLI produced. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs `mini-atlas status <args>` (see runCli). */
export function runStatusCli(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  return runCli('status', args, env);
}

/** A command left running longer than this is reported as exit -1: it hangs (and is sent Ctrl-C). */
const RUN_LIMIT_MS = 20_000;

/** Runs `mini-atlas <command> <args>` with `env` in this process (asynchronously, so fake servers can answer) until it ends; its output a terminal if `terminal`. */
export async function runCli(command: CommandName, args: string[], env: Record<string, string | undefined>, terminal = false): Promise<CliResult> {
  const started = Date.now();
  const run = start(command, args, env, terminal);
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(-1), RUN_LIMIT_MS)));
  const code = await Promise.race([run.ended, hung]);
  clearTimeout(timer);
  if (code === -1) run.interrupt();
  return { code, ...run.output, ms: Date.now() - started };
}

/** A command that keeps running (a port-forward, a followed log) until it is interrupted. */
export interface RunningCli {
  /** Resolves with everything `stream` printed once it matches `pattern`; rejects when the command ends first. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<string>;
  /** Ctrl-C (its SIGINT handlers) and resolves with how the command ended. */
  interrupt(): Promise<CliResult>;
}

/** Commands started and not ended yet: a test that fails before its Ctrl-C must not leave a port-forward holding Jest open. */
const unfinished = new Set<() => void>();
afterAll(() => {
  for (const interrupt of unfinished) interrupt();
});

/** Starts `mini-atlas <command> <args>` without colours (NO_COLOR, unless `env` unsets it), with `env`, kept track of until it ends. */
function start(command: CommandName, args: string[], env: Record<string, string | undefined>, terminal: boolean): StartedCommand {
  const run = startInProcess(command, args, { NO_COLOR: '1', ...env }, terminal);
  unfinished.add(run.interrupt);
  void run.ended.finally(() => unfinished.delete(run.interrupt));
  return run;
}

/** Starts `mini-atlas <command> <args>` in this process and leaves it running. */
export function startCli(command: CommandName, args: string[], env: Record<string, string | undefined>, terminal = false): RunningCli {
  const started = Date.now();
  const run = start(command, args, env, terminal);
  const ended = run.ended.then((code) => ({ code, ...run.output, ms: Date.now() - started }));
  return {
    waitFor: (stream, pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(run.output[stream])) resolve(run.output[stream]);
        };
        run.onWrite(check);
        check();
        void ended.then((result) => reject(new Error(`the command ended (exit ${result.code}) before its ${stream} matched ${String(pattern)}; stderr: ${result.stderr}`)));
      }),
    interrupt: () => {
      run.interrupt();
      return ended;
    },
  };
}
