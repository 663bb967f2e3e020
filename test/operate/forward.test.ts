import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { PortForward } from '@kubernetes/client-node';
import { UsageError } from '../../src/cli/usage-error';
import { localPortOf } from '../../src/operate/local-port';
import { ClusterState, TestServer, closedPort, runCli, startCli, startFakeApiServer, writeKubeconfig } from '../status/fake-cluster';
import { ifAvailable, tempDir } from '../helpers';
import { clusterWith, pod } from './helpers';

/** Sends `request` to 127.0.0.1:`port` and resolves with what comes back once it matches `complete`. */
function exchange(port: number, request: string, complete: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (complete.test(answer)) {
        socket.destroy();
        resolve(answer);
      }
    });
    socket.on('close', () => reject(new Error(`the connection closed after ${JSON.stringify(answer)}`)));
    socket.on('error', reject);
  });
}

/** Sends `request` to 127.0.0.1:`port` and resolves with everything that came back once the connection has closed. */
function untilClosed(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** What the kubelet says on the error channel when nothing listens on the pod's `port`. */
const nothingListens = (port: number) => `an error occurred forwarding ${port} -> ${port}: dial tcp4 127.0.0.1:${port}: connect: connection refused`;

/** This machine's first IPv4 address on a network interface other than the loopback, if any. */
function networkAddress(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((entry) => entry !== undefined && entry.family === 'IPv4' && !entry.internal)?.address;
}

/** Resolves once a TCP connection to `host`:`port` is open (and closes it), rejects when it is refused. */
function connectTo(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host, () => {
      socket.destroy();
      resolve();
    });
    socket.on('error', reject);
  });
}

/** An HTTP server's answer over a forwarded connection. */
function httpAnswer(body: string): (request: Buffer) => Buffer {
  return (request) => Buffer.from(`HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${request.toString().startsWith('GET / ') ? body : ''}`);
}

const VCLUSTER_KUBECONFIG = {
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'my-vcluster', cluster: { server: 'https://localhost:8443', 'certificate-authority-data': 'Q0E=' } }],
  users: [{ name: 'my-vcluster', user: { 'client-certificate-data': 'Q0VSVA==', 'client-key-data': 'S0VZ' } }],
  contexts: [{ name: 'my-vcluster', context: { cluster: 'my-vcluster', user: 'my-vcluster' } }],
  'current-context': 'my-vcluster',
};

function platform(): ClusterState {
  return clusterWith({
    pods: {
      monitoring: [pod('monitoring', 'grafana-6f7c9-k2l4p', { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': 'grafana' })],
      'team-b': [pod('team-b', 'team-b-sandbox-0', { app: 'vcluster', release: 'team-b-sandbox' }), pod('team-b', 'team-b-lab-0', { app: 'vcluster', release: 'team-b-lab' }, false)],
    },
    secrets: { 'team-b/vc-team-b-sandbox': { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'vc-team-b-sandbox', namespace: 'team-b' }, data: { config: Buffer.from(stringify(VCLUSTER_KUBECONFIG)).toString('base64') } } },
    portAnswers: {
      'monitoring/grafana-6f7c9-k2l4p:3000': httpAnswer('grafana home'),
      'team-b/team-b-sandbox-0:8443': (request) => Buffer.from(`vcluster got ${request.toString()}`),
    },
  });
}

// Each test runs the CLI against real sockets: on a busy machine a run takes a second or more.
jest.setTimeout(30_000);

describe('port-forwarding commands', () => {
  let server: TestServer | undefined;
  // Loads the commands and @kubernetes/client-node once, before the timed tests (the first time
  // on a machine, test/client-node.js bundles it: seconds).
  // One after the other: each run sets its environment for as long as it runs.
  beforeAll(async () => {
    await runCli('dashboard', ['--help'], {});
    await runCli('kubeconfig', ['--help'], {});
  }, 120_000);

  let kubeconfig: string;
  beforeEach(async () => {
    server = await startFakeApiServer(platform());
    kubeconfig = writeKubeconfig({ 'kind-dev': server.url });
  });
  afterEach(async () => {
    await server?.close();
  });

  describe('npm run dashboard', () => {
    it("prints Grafana's local URL, forwards to the Grafana pod until Ctrl-C, then exits 0", async () => {
      const running = startCli('dashboard', ['--cluster', 'dev', '--port', '0'], { KUBECONFIG: kubeconfig });
      const stdout = await running.waitFor('stdout', /\n/);
      const url = /^Grafana of kind-dev: http:\/\/localhost:(\d+)\/\n$/.exec(stdout);
      expect(url).not.toBeNull();
      const answer = await exchange(Number(url![1]), 'GET / HTTP/1.1\r\nhost: localhost\r\n\r\n', /grafana home$/);
      expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\ngrafana home$/);
      const result = await running.interrupt();
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('forwarding to monitoring/grafana-6f7c9-k2l4p:3000; Ctrl-C to stop\n');
    });

    it('says so when Grafana has no pod, exit 1, and refuses a bad port, exit 2', async () => {
      await server!.close();
      server = await startFakeApiServer({ ...platform(), pods: {} });
      const none = await runCli('dashboard', [], { KUBECONFIG: writeKubeconfig({ 'kind-dev': server.url }) });
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/^mini-atlas dashboard: no pods of Grafana in namespace monitoring \(label app.kubernetes.io\/name=grafana,app.kubernetes.io\/instance=grafana\)/);
      const badPort = await runCli('dashboard', ['--port', 'http'], { KUBECONFIG: kubeconfig });
      expect(badPort).toMatchObject({ code: 2, stdout: '' });
      expect(badPort.stderr).toMatch(/^mini-atlas: --port must be a port number from 0 \(any free port\) to 65535, not "http"; usage: mini-atlas dashboard/);
    });

    it('ends a forwarded connection when the pod ends it, and keeps listening', async () => {
      await server!.close();
      const state = platform();
      state.portAnswers!['monitoring/grafana-6f7c9-k2l4p:3000'] = (request) => ({ last: Buffer.from(`bye after ${request.toString()}`) });
      server = await startFakeApiServer(state);
      const running = startCli('dashboard', ['--port', '0'], { KUBECONFIG: writeKubeconfig({ 'kind-dev': server.url }) });
      const port = Number(/localhost:(\d+)/.exec(await running.waitFor('stdout', /\n/))![1]);
      expect(await untilClosed(port, 'one')).toBe('bye after one');
      expect(await untilClosed(port, 'two')).toBe('bye after two');
      expect((await running.interrupt()).code).toBe(0);
    });

    it('ends a connection the pod or the API server refuses, says why on stderr, and keeps listening', async () => {
      await server!.close();
      const state = platform();
      state.portAnswers!['monitoring/grafana-6f7c9-k2l4p:3000'] = () => ({ error: nothingListens(3000) });
      server = await startFakeApiServer(state);
      const running = startCli('dashboard', ['--port', '0'], { KUBECONFIG: writeKubeconfig({ 'kind-dev': server.url }) });
      const port = Number(/localhost:(\d+)/.exec(await running.waitFor('stdout', /\n/))![1]);
      expect(await untilClosed(port, 'GET / HTTP/1.1\r\n\r\n')).toBe('');
      await running.waitFor('stderr', /connection refused\n/);
      // The pod went away: the API server refuses the WebSocket itself.
      delete state.portAnswers!['monitoring/grafana-6f7c9-k2l4p:3000'];
      expect(await untilClosed(port, 'GET / HTTP/1.1\r\n\r\n')).toBe('');
      const stderr = await running.waitFor('stderr', /failed: .*\n/);
      expect(stderr.split('\n')).toEqual([
        'forwarding to monitoring/grafana-6f7c9-k2l4p:3000; Ctrl-C to stop',
        `port-forward to monitoring/grafana-6f7c9-k2l4p:3000: ${nothingListens(3000)}`,
        'port-forward to monitoring/grafana-6f7c9-k2l4p:3000 failed: Unexpected server response: 404',
        '',
      ]);
      expect((await running.interrupt()).code).toBe(0);
    });

    const address = networkAddress();
    ifAvailable(it, address ? undefined : 'no network interface besides the loopback')('listens on the loopback interface only: the forward is not reachable from the network', async () => {
      const running = startCli('dashboard', ['--port', '0'], { KUBECONFIG: kubeconfig });
      const port = Number(/localhost:(\d+)/.exec(await running.waitFor('stdout', /\n/))![1]);
      await expect(connectTo(address!, port)).rejects.toThrow('ECONNREFUSED');
      expect(await exchange(port, 'GET / HTTP/1.1\r\nhost: localhost\r\n\r\n', /grafana home$/)).toMatch(/grafana home$/);
      expect((await running.interrupt()).code).toBe(0);
    });

    it('says which local port is taken, exit 2', async () => {
      const taken = net.createServer();
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
      const port = (taken.address() as net.AddressInfo).port;
      const result = await runCli('dashboard', ['--port', String(port)], { KUBECONFIG: kubeconfig });
      taken.close();
      expect(result).toMatchObject({ code: 2, stdout: '', stderr: `mini-atlas: local port ${port} is already in use; choose another with --port\n` });
    });

    it('says which local port it may not listen on, and why, exit 2', async () => {
      const listen = jest.spyOn(net.Server.prototype, 'listen').mockImplementationOnce(function (this: net.Server) {
        process.nextTick(() => this.emit('error', Object.assign(new Error('listen EACCES: permission denied 127.0.0.1:80'), { code: 'EACCES' })));
        return this;
      });
      const result = await runCli('dashboard', ['--port', '80'], { KUBECONFIG: kubeconfig });
      listen.mockRestore();
      expect(result).toMatchObject({ code: 2, stdout: '', stderr: 'mini-atlas: local port 80 cannot be listened on (EACCES); choose another with --port\n' });
    });

    it.each([
      ['a string', 'the handshake was refused', 'the handshake was refused'],
      ['nothing', null, 'null'],
      ['an error without a message', new TypeError(''), 'TypeError'],
    ])('names why a forwarded connection failed when the client rejects with %s', async (_, rejection, shown) => {
      const portForward = jest.spyOn(PortForward.prototype, 'portForward').mockRejectedValueOnce(rejection);
      const running = startCli('dashboard', ['--port', '0'], { KUBECONFIG: kubeconfig });
      const port = Number(/localhost:(\d+)/.exec(await running.waitFor('stdout', /\n/))![1]);
      expect(await untilClosed(port, 'GET / HTTP/1.1\r\n\r\n')).toBe('');
      const stderr = await running.waitFor('stderr', /failed: .*\n/);
      portForward.mockRestore();
      expect(stderr.split('\n').slice(1)).toEqual([`port-forward to monitoring/grafana-6f7c9-k2l4p:3000 failed: ${shown}`, '']);
      expect((await running.interrupt()).code).toBe(0);
    });
  });

  describe('npm run kubeconfig', () => {
    it("prints the virtual cluster's kubeconfig pointed at a forwarded local port, which reaches the vcluster pod", async () => {
      const running = startCli('kubeconfig', ['team-b/sandbox'], { KUBECONFIG: kubeconfig });
      const stderr = await running.waitFor('stderr', /Ctrl-C to stop\n/);
      const port = Number(/reachable at https:\/\/localhost:(\d+) /.exec(stderr)![1]);
      expect(stderr).toBe(
        `VirtualCluster team-b/team-b-sandbox reachable at https://localhost:${port} while this runs (forwarded to team-b-sandbox-0:8443); save the kubeconfig above to a file and point KUBECONFIG at it; Ctrl-C to stop\n`,
      );
      expect(await exchange(port, 'hello', /hello$/)).toBe('vcluster got hello');
      const result = await running.interrupt();
      expect(result.code).toBe(0);
      const printed = parse(result.stdout) as typeof VCLUSTER_KUBECONFIG;
      expect(printed).toEqual({ ...VCLUSTER_KUBECONFIG, clusters: [{ name: 'my-vcluster', cluster: { server: `https://localhost:${port}`, 'certificate-authority-data': 'Q0E=' } }] });
    });

    it('writes --out readable by its owner only, and never overwrites an existing file (exit 2 before asking the cluster)', async () => {
      const dir = tempDir('kubeconfig');
      const out = path.join(dir, 'sandbox.yaml');
      const running = startCli('kubeconfig', ['team-b/team-b-sandbox', '--out', out, '--port', '0'], { KUBECONFIG: kubeconfig });
      const stderr = await running.waitFor('stderr', /Ctrl-C to stop\n/);
      expect(stderr).toContain(`KUBECONFIG=${out} kubectl get namespaces`);
      expect((await running.interrupt()).code).toBe(0);
      expect(fs.statSync(out).mode & 0o777).toBe(0o600);
      const written = fs.readFileSync(out, 'utf8');
      expect((parse(written) as typeof VCLUSTER_KUBECONFIG).users).toEqual(VCLUSTER_KUBECONFIG.users);
      const again = await runCli('kubeconfig', ['team-b/sandbox', '--out', out], { KUBECONFIG: '/nonexistent/kubeconfig' });
      expect(again).toMatchObject({ code: 2, stdout: '', stderr: `mini-atlas: ${out} already exists; mini-atlas never overwrites a file: remove it or choose another --out\n` });
      expect(fs.readFileSync(out, 'utf8')).toBe(written);
    });

    it('never overwrites a file that appears at --out while it asks the cluster, exit 2', async () => {
      const out = path.join(tempDir('kubeconfig'), 'sandbox.yaml');
      await server!.close();
      const state = platform();
      const secretPath = '/api/v1/namespaces/team-b/secrets/vc-team-b-sandbox';
      state.onRequest = (request) => request === secretPath && fs.writeFileSync(out, 'written by someone else\n');
      server = await startFakeApiServer(state);
      const result = await runCli('kubeconfig', ['team-b/sandbox', '--out', out, '--port', '0'], { KUBECONFIG: writeKubeconfig({ 'kind-dev': server.url }) });
      expect(result).toMatchObject({ code: 2, stdout: '', stderr: `mini-atlas: ${out} already exists; mini-atlas never overwrites a file: remove it or choose another --out\n` });
      expect(fs.readFileSync(out, 'utf8')).toBe('written by someone else\n');
    });

    it("passes on what the vcluster pod's side reports, as one line, and keeps listening", async () => {
      await server!.close();
      const state = platform();
      state.portAnswers!['team-b/team-b-sandbox-0:8443'] = () => ({ error: `${nothingListens(8443)}\n` });
      server = await startFakeApiServer(state);
      const running = startCli('kubeconfig', ['team-b/sandbox'], { KUBECONFIG: writeKubeconfig({ 'kind-dev': server.url }) });
      const port = Number(/reachable at https:\/\/localhost:(\d+) /.exec(await running.waitFor('stderr', /Ctrl-C to stop\n/))![1]);
      expect(await untilClosed(port, 'hello')).toBe('');
      const stderr = await running.waitFor('stderr', /refused\n/);
      expect(stderr.split('\n').slice(1)).toEqual([`port-forward to team-b/team-b-sandbox-0:8443: ${nothingListens(8443)}`, '']);
      expect((await running.interrupt()).code).toBe(0);
    });

    it('refuses a missing or malformed virtual cluster with exit 2 and the usage', async () => {
      const usage = 'usage: mini-atlas kubeconfig <team>/<virtual-cluster> [--cluster <name>] [--context <context>] [--out <file>] [--port <local-port>]';
      expect(await runCli('kubeconfig', [], { KUBECONFIG: kubeconfig })).toMatchObject({ code: 2, stdout: '', stderr: `mini-atlas: which virtual cluster? give it as <team>/<name>; ${usage}\n` });
      expect(await runCli('kubeconfig', ['team-b/sandbox/x'], { KUBECONFIG: kubeconfig })).toMatchObject({
        code: 2,
        stdout: '',
        stderr: `mini-atlas: "team-b/sandbox/x" is not <team>/<name> (lower-case letters, digits and "-" on both sides of one "/"); ${usage}\n`,
      });
    });

    it('says when the Secret holds no kubeconfig with a cluster in it, exit 1, and stops forwarding', async () => {
      await server!.close();
      const state = platform();
      const secret = state.secrets!['team-b/vc-team-b-sandbox'] as { data: Record<string, string> };
      state.secrets!['team-b/vc-team-b-sandbox'] = { ...secret, data: { kubeconfig: secret.data.config } };
      server = await startFakeApiServer(state);
      const env = { KUBECONFIG: writeKubeconfig({ 'kind-dev': server.url }) };
      expect(await runCli('kubeconfig', ['team-b/sandbox'], env)).toMatchObject({
        code: 1,
        stdout: '',
        stderr: 'mini-atlas kubeconfig: no kubeconfig of VirtualCluster team-b-sandbox yet: the Secret team-b/vc-team-b-sandbox has no "config" key; npm run status -- --team team-b shows whether it is ready\n',
      });
      for (const config of [{ ...VCLUSTER_KUBECONFIG, clusters: [] }, { ...VCLUSTER_KUBECONFIG, clusters: undefined }, 'not a kubeconfig']) {
        state.secrets!['team-b/vc-team-b-sandbox'] = { ...secret, data: { config: Buffer.from(stringify(config)).toString('base64') } };
        const port = await closedPort();
        expect(await runCli('kubeconfig', ['team-b/sandbox', '--port', String(port)], env)).toMatchObject({
          code: 1,
          stdout: '',
          stderr: "mini-atlas kubeconfig: the virtual cluster's Secret holds no kubeconfig with a cluster in it; is the vcluster still starting?\n",
        });
        await expect(untilClosed(port, '')).rejects.toThrow('ECONNREFUSED');
      }
    });

    it("names the Secret the API server does not let it read, exit 2", async () => {
      await server!.close();
      server = await startFakeApiServer({ ...platform(), refused: { '/api/v1/namespaces/team-b/secrets/vc-team-b-sandbox': { code: 403, message: 'secrets "vc-team-b-sandbox" is forbidden' } } });
      expect(await runCli('kubeconfig', ['team-b/sandbox'], { KUBECONFIG: writeKubeconfig({ 'kind-dev': server.url }) })).toMatchObject({
        code: 2,
        stdout: '',
        stderr: `mini-atlas kubeconfig: the API server ${server.url} does not allow context "kind-dev" to read /api/v1/namespaces/team-b/secrets/vc-team-b-sandbox (403 Forbidden): secrets "vc-team-b-sandbox" is forbidden\n`,
      });
    });

    it('refuses an --out it cannot write, exit 2, and stops forwarding', async () => {
      const out = path.join(tempDir('kubeconfig'), 'no-such-folder', 'sandbox.yaml');
      const port = await closedPort();
      expect(await runCli('kubeconfig', ['team-b/sandbox', '--out', out, '--port', String(port)], { KUBECONFIG: kubeconfig })).toMatchObject({ code: 2, stdout: '', stderr: `mini-atlas: cannot write ${out}: ENOENT\n` });
      expect(fs.existsSync(path.dirname(out))).toBe(false);
      await expect(untilClosed(port, '')).rejects.toThrow('ECONNREFUSED');
    });

    it('says when the virtual cluster has no kubeconfig or no ready pod yet, exit 1', async () => {
      const missing = await runCli('kubeconfig', ['team-b/other'], { KUBECONFIG: kubeconfig });
      expect(missing).toMatchObject({
        code: 1,
        stdout: '',
        stderr: 'mini-atlas kubeconfig: no kubeconfig of VirtualCluster team-b-other yet: the Secret team-b/vc-team-b-other does not exist; npm run status -- --team team-b shows whether it is ready\n',
      });
      await server!.close();
      const state = platform();
      state.secrets!['team-b/vc-team-b-lab'] = { ...(state.secrets!['team-b/vc-team-b-sandbox'] as object), metadata: { name: 'vc-team-b-lab' } };
      server = await startFakeApiServer(state);
      const notReady = await runCli('kubeconfig', ['team-b/lab'], { KUBECONFIG: writeKubeconfig({ 'kind-dev': server.url }) });
      expect(notReady).toMatchObject({ code: 1, stderr: 'mini-atlas kubeconfig: no ready pod of VirtualCluster team-b-lab in namespace team-b (team-b-lab-0 Pending); wait for it or look at its events\n' });
    });
  });
});

describe('--port', () => {
  const portOf = (text?: string) => localPortOf(new Map(text === undefined ? [] : [['--port', text]]), 3000, 'usage: demo');

  it('takes 0 (any free port) to 65535, and the command\'s own port without the flag', () => {
    expect([portOf(), portOf('0'), portOf('8080'), portOf('65535')]).toEqual([3000, 0, 8080, 65535]);
  });

  it.each(['65536', '-1', 'x80', '80x', '8.5', ''])('refuses "%s"', (text) => {
    expect(() => portOf(text)).toThrow(new UsageError(`--port must be a port number from 0 (any free port) to 65535, not "${text}"; usage: demo`));
  });
});
