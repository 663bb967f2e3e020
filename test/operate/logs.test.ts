import { Log } from '@kubernetes/client-node';
import { ClusterState, TestServer, closedPort, runCli, startCli, startFakeApiServer, writeKubeconfig } from '../status/fake-cluster';
import { clusterWith, pod, webLabels } from './helpers';

function shopCluster(requests: string[] = []): ClusterState {
  return clusterWith({
    pods: {
      'team-b': [
        pod('team-b', 'team-b-shop-7d9f-b2x4k', webLabels('team-b-shop')),
        pod('team-b', 'team-b-shop-7d9f-a1z9q', webLabels('team-b-shop')),
        pod('team-b', 'team-b-cart-5c6d-x8p2m', webLabels('team-b-cart')),
      ],
    },
    podLogs: {
      'team-b/team-b-shop-7d9f-a1z9q': 'started\nGET /readyz 200\n',
      'team-b/team-b-shop-7d9f-b2x4k': 'started\nno newline at the end',
      'team-b/team-b-cart-5c6d-x8p2m': 'cart line\n',
    },
    onRequest: (request) => requests.push(request),
  });
}

// Each test runs the CLI against real sockets: on a busy machine a run takes a second or more.
jest.setTimeout(30_000);

describe('npm run logs', () => {
  let server: TestServer | undefined;
  // Loads the command and @kubernetes/client-node once, before the timed tests (the first time
  // on a machine, test/client-node.js bundles it: seconds).
  beforeAll(() => runCli('logs', ['--help'], {}), 120_000);

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function kubeconfigFor(state: ClusterState): Promise<string> {
    server = await startFakeApiServer(state);
    return writeKubeconfig({ 'kind-dev': server.url });
  }

  it("prints every pod of the app, each line behind its pod's name, and no other app's", async () => {
    const requests: string[] = [];
    const kubeconfig = await kubeconfigFor(shopCluster(requests));
    const result = await runCli('logs', ['team-b/shop', '--since', '10m'], { KUBECONFIG: kubeconfig });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').filter(Boolean).sort()).toEqual([
      '[team-b-shop-7d9f-a1z9q] GET /readyz 200',
      '[team-b-shop-7d9f-a1z9q] started',
      '[team-b-shop-7d9f-b2x4k] no newline at the end',
      '[team-b-shop-7d9f-b2x4k] started',
    ]);
    const podList = requests.find((request) => request.startsWith('/api/v1/namespaces/team-b/pods?'));
    expect(decodeURIComponent(podList ?? '')).toContain('labelSelector=app.kubernetes.io/instance=team-b-shop,app.kubernetes.io/component=web');
    const logRequests = requests.filter((request) => request.includes('/log?'));
    expect(logRequests).toHaveLength(2);
    for (const request of logRequests) expect(request).toMatch(/container=app&.*sinceSeconds=600(&|$)/);
  });

  it('takes the full instance name as well', async () => {
    const kubeconfig = await kubeconfigFor(shopCluster());
    const result = await runCli('logs', ['team-b/team-b-cart'], { KUBECONFIG: kubeconfig });
    expect(result).toMatchObject({ code: 0, stdout: '[team-b-cart-5c6d-x8p2m] cart line\n', stderr: '' });
  });

  it('says so when the app has no pods, exit 1', async () => {
    const kubeconfig = await kubeconfigFor(shopCluster());
    const result = await runCli('logs', ['team-b/nope'], { KUBECONFIG: kubeconfig });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^mini-atlas logs: no pods of WebApplication team-b-nope in namespace team-b \(label app.kubernetes.io\/instance=team-b-nope,app.kubernetes.io\/component=web\) on http:\/\/127\.0\.0\.1:\d+; is it deployed\? npm run status shows what is not ready\n$/);
  });

  it('shows the pods it can read and names the one whose container has not started; exit 1 only when none could be read', async () => {
    const state = shopCluster();
    delete state.podLogs!['team-b/team-b-shop-7d9f-b2x4k'];
    const kubeconfig = await kubeconfigFor(state);
    const result = await runCli('logs', ['team-b/shop'], { KUBECONFIG: kubeconfig });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('[team-b-shop-7d9f-a1z9q] started\n[team-b-shop-7d9f-a1z9q] GET /readyz 200\n');
    expect(result.stderr).toBe('mini-atlas logs: cannot read the log of pod team-b-shop-7d9f-b2x4k (400): is its container running?\n');
    delete state.podLogs!['team-b/team-b-shop-7d9f-a1z9q'];
    expect((await runCli('logs', ['team-b/shop'], { KUBECONFIG: kubeconfig })).code).toBe(1);
    // Following nothing ends at once: there is nothing to wait for a Ctrl-C for.
    expect(await runCli('logs', ['team-b/shop', '--follow'], { KUBECONFIG: kubeconfig })).toMatchObject({ code: 1, stdout: '' });
  });

  it('names why a log could not be read when the request failed before the API server answered', async () => {
    const kubeconfig = await kubeconfigFor(shopCluster());
    const read = jest.spyOn(Log.prototype, 'log').mockRejectedValueOnce(new Error('connect EHOSTUNREACH 10.0.0.1:6443'));
    const result = await runCli('logs', ['team-b/cart'], { KUBECONFIG: kubeconfig });
    read.mockRestore();
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: 'mini-atlas logs: cannot read the log of pod team-b-cart-5c6d-x8p2m (connect EHOSTUNREACH 10.0.0.1:6443): is its container running?\n' });
  });

  it('follows until interrupted, then exits 0', async () => {
    const requests: string[] = [];
    const kubeconfig = await kubeconfigFor(shopCluster(requests));
    const running = startCli('logs', ['team-b/cart', '--follow'], { KUBECONFIG: kubeconfig });
    await running.waitFor('stdout', /cart line\n/);
    const result = await running.interrupt();
    expect(result).toMatchObject({ code: 0, stdout: '[team-b-cart-5c6d-x8p2m] cart line\n', stderr: '' });
    expect(requests.filter((request) => request.includes('/log?'))).toEqual(['/api/v1/namespaces/team-b/pods/team-b-cart-5c6d-x8p2m/log?container=app&follow=true&pretty=true&previous=false&timestamps=false']);
  });

  it('keeps following when a connection is cut, and names a pod whose log request failed', async () => {
    const state = shopCluster();
    state.cutLogs = { 'team-b/team-b-shop-7d9f-b2x4k': 'after the log', 'team-b/team-b-shop-7d9f-a1z9q': 'before answering' };
    const running = startCli('logs', ['team-b/shop', '--follow'], { KUBECONFIG: await kubeconfigFor(state) });
    // The cut connection ends that pod's lines, the last one without its newline too, without ending the command.
    await running.waitFor('stdout', /no newline at the end\n/);
    await running.waitFor('stderr', /\n/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await running.interrupt()).toMatchObject({
      code: 0,
      stdout: '[team-b-shop-7d9f-b2x4k] started\n[team-b-shop-7d9f-b2x4k] no newline at the end\n',
      // client-node reports a connection cut before any answer as a 500.
      stderr: 'mini-atlas logs: cannot read the log of pod team-b-shop-7d9f-a1z9q (500): is its container running?\n',
    });
  });

  it('fails fast, exit 2, without a cluster', async () => {
    const missing = await runCli('logs', ['team-b/shop'], { KUBECONFIG: '/nonexistent/kubeconfig' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^mini-atlas logs: no kubeconfig found at \/nonexistent\/kubeconfig; create a cluster \(cluster\/bootstrap\.sh\) or set KUBECONFIG\n$/);
    const port = await closedPort();
    const refused = await runCli('logs', ['team-b/shop'], { KUBECONFIG: writeKubeconfig({ 'kind-dev': `http://127.0.0.1:${port}` }) });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`mini-atlas logs: cannot reach the API server http://127.0.0.1:${port} of context "kind-dev": the connection was refused (is the cluster running?)\n`);
    expect(refused.ms).toBeLessThan(10_000);
  });

  it('refuses a malformed app or flag with exit 2 and the usage, before asking the cluster', async () => {
    const usage = 'usage: mini-atlas logs <team>/<app> [--cluster <name>] [--context <context>] [--since <duration>] [--follow]';
    const notARef = (argument: string) => `mini-atlas: "${argument}" is not <team>/<name> (lower-case letters, digits and "-" on both sides of one "/"); ${usage}\n`;
    const refusals: [string[], string][] = [
      [[], `mini-atlas: which application? give it as <team>/<name>; ${usage}\n`],
      [['shop'], notARef('shop')],
      [['team-b/'], notARef('team-b/')],
      [['/shop'], notARef('/shop')],
      [['team-b/Shop'], notARef('team-b/Shop')],
      [['Team-b/shop'], notARef('Team-b/shop')],
      [['team-b/shop/x'], notARef('team-b/shop/x')],
      [['team-b/shop', '--since', 'soon'], 'mini-atlas: "soon" is not a duration; write it like 30s, 15m, 1h or 1m30s\n'],
    ];
    for (const [args, stderr] of refusals) {
      expect(await runCli('logs', args, { KUBECONFIG: '/nonexistent/kubeconfig' })).toMatchObject({ code: 2, stdout: '', stderr });
    }
  });
});
