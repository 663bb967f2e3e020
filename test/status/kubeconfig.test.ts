import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { ClusterError } from '../../src/status/errors';
import { loadClusterTarget, type ContextChoice } from '../../src/status/kubeconfig';
import { tempDir } from '../helpers';

/** A kubeconfig file with `config`'s clusters, users and contexts (each `{name, ...}`), written as kubectl writes it. */
function kubeconfigFile(config: Record<string, unknown>): string {
  const file = path.join(tempDir('kubeconfig'), 'config');
  fs.writeFileSync(file, stringify({ apiVersion: 'v1', kind: 'Config', ...config }));
  return file;
}

/** A file with one context per entry of `servers` (context, cluster and user all named after it), the first current if `withCurrent`. */
function contextsFile(servers: Record<string, string>, withCurrent = true): string {
  const names = Object.keys(servers);
  return kubeconfigFile({
    ...(withCurrent && { 'current-context': names[0] }),
    clusters: names.map((name) => ({ name, cluster: { server: servers[name] } })),
    users: names.map((name) => ({ name, user: { token: `token-of-${name}` } })),
    contexts: names.map((name) => ({ name, context: { cluster: name, user: name } })),
  });
}

/** loadClusterTarget with KUBECONFIG (and HOME) set to `env`, restored afterwards; its context and server, or the error's message. */
function target(env: Record<string, string | undefined>, choice: ContextChoice = {}): { context: string; server: string } | string {
  const saved = { KUBECONFIG: process.env.KUBECONFIG, HOME: process.env.HOME };
  Object.assign(process.env, env);
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key];
  try {
    const { context, server } = loadClusterTarget(choice);
    return { context, server };
  } catch (error) {
    // A kubeconfig that cannot be used stays so however long `status --wait` waits.
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as ClusterError).retryable).toBe(false);
    return (error as Error).message;
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

describe('the cluster status and the other cluster commands talk to', () => {
  it("is the current context's, its server without trailing slashes", () => {
    const file = contextsFile({ 'kind-dev': 'https://127.0.0.1:6443///', other: 'https://10.0.0.1:6443' });
    expect(target({ KUBECONFIG: file })).toEqual({ context: 'kind-dev', server: 'https://127.0.0.1:6443' });
    expect(target({ KUBECONFIG: file }, { context: 'other' })).toEqual({ context: 'other', server: 'https://10.0.0.1:6443' });
  });

  it('is kind-<cluster> for --cluster when the kubeconfig has it, else the current context', () => {
    const file = contextsFile({ elsewhere: 'https://10.0.0.1:6443', 'kind-prd': 'https://127.0.0.1:7443' });
    expect(target({ KUBECONFIG: file }, { cluster: 'prd' })).toEqual({ context: 'kind-prd', server: 'https://127.0.0.1:7443' });
    expect(target({ KUBECONFIG: file }, { cluster: 'dev' })).toEqual({ context: 'elsewhere', server: 'https://10.0.0.1:6443' });
  });

  it("comes from ~/.kube/config when KUBECONFIG is unset or names no file, and empty KUBECONFIG entries are skipped", () => {
    const home = path.dirname(contextsFile({ 'kind-dev': 'https://127.0.0.1:6443' }));
    fs.mkdirSync(path.join(home, '.kube'));
    fs.renameSync(path.join(home, 'config'), path.join(home, '.kube', 'config'));
    expect(target({ KUBECONFIG: undefined, HOME: home })).toEqual({ context: 'kind-dev', server: 'https://127.0.0.1:6443' });
    expect(target({ KUBECONFIG: `${path.delimiter}${path.delimiter}`, HOME: home })).toEqual({ context: 'kind-dev', server: 'https://127.0.0.1:6443' });
    const other = contextsFile({ 'kind-prd': 'https://127.0.0.1:7443' });
    expect(target({ KUBECONFIG: `${path.delimiter}${other}`, HOME: home })).toEqual({ context: 'kind-prd', server: 'https://127.0.0.1:7443' });
  });

  it('merges files like kubectl: the first definition of a name and the first current context win, each name once', () => {
    const first = contextsFile({ shared: 'https://first:6443' }, false);
    const second = contextsFile({ shared: 'https://second:6443', 'kind-dev': 'https://127.0.0.1:6443' });
    const both = [first, second].join(path.delimiter);
    expect(target({ KUBECONFIG: both })).toEqual({ context: 'shared', server: 'https://first:6443' });
    expect(target({ KUBECONFIG: both }, { context: 'kind-prd' })).toBe(`the context "kind-prd" is not in the kubeconfig (${first}, ${second}); known contexts: shared, kind-dev`);
  });

  it('leaves out a malformed entry, as kubectl does, instead of refusing the file', () => {
    const file = kubeconfigFile({
      'current-context': 'kind-dev',
      clusters: [{ cluster: { server: 'https://nameless:6443' } }, { name: 'kind-dev', cluster: { server: 'https://127.0.0.1:6443' } }],
      users: [{ name: 'kind-dev', user: { token: 't' } }],
      contexts: [{ name: 'kind-dev', context: { cluster: 'kind-dev', user: 'kind-dev' } }],
    });
    expect(target({ KUBECONFIG: file })).toEqual({ context: 'kind-dev', server: 'https://127.0.0.1:6443' });
  });

  it('is refused with what to do when there is no kubeconfig, no current context, an unknown context or no server', () => {
    expect(target({ KUBECONFIG: '/nonexistent/a' })).toBe('no kubeconfig found at /nonexistent/a; create a cluster (cluster/bootstrap.sh) or set KUBECONFIG');
    expect(target({ KUBECONFIG: `/nonexistent/a${path.delimiter}/nonexistent/b` })).toBe('no kubeconfig found at /nonexistent/a, /nonexistent/b; create a cluster (cluster/bootstrap.sh) or set KUBECONFIG');
    expect(target({ KUBECONFIG: undefined, HOME: undefined })).toBe('no kubeconfig found at ~/.kube/config; create a cluster (cluster/bootstrap.sh) or set KUBECONFIG');
    const file = contextsFile({ 'kind-dev': 'https://127.0.0.1:6443' }, false);
    expect(target({ KUBECONFIG: file })).toBe(`the kubeconfig (${file}) has no current context; pass --context`);
    const another = contextsFile({ 'kind-prd': 'https://127.0.0.1:7443' }, false);
    expect(target({ KUBECONFIG: `${file}${path.delimiter}${another}` })).toBe(`the kubeconfig (${file}, ${another}) has no current context; pass --context`);
    expect(target({ KUBECONFIG: `/nonexistent/a${path.delimiter}${file}` }, { context: 'kind-prd' })).toBe(`the context "kind-prd" is not in the kubeconfig (${file}); known contexts: kind-dev`);
    const empty = kubeconfigFile({ clusters: [], users: [], contexts: [] });
    expect(target({ KUBECONFIG: empty }, { context: 'kind-dev' })).toBe(`the context "kind-dev" is not in the kubeconfig (${empty}); known contexts: none`);
    const serverless = kubeconfigFile({ 'current-context': 'bare', clusters: [], users: [{ name: 'u', user: {} }], contexts: [{ name: 'bare', context: { cluster: 'missing', user: 'u' } }] });
    expect(target({ KUBECONFIG: serverless })).toBe('the context "bare" names the cluster "missing", which the kubeconfig does not define with a server');
  });

  it('refuses plain HTTP without insecure-skip-tls-verify, and a file that is not a kubeconfig', () => {
    expect(target({ KUBECONFIG: contextsFile({ 'kind-dev': 'http://127.0.0.1:8080' }) })).toBe(
      'the context "kind-dev" points at the plain-HTTP server http://127.0.0.1:8080, which @kubernetes/client-node only accepts with insecure-skip-tls-verify: true',
    );
    const broken = kubeconfigFile({});
    fs.writeFileSync(broken, 'clusters: [unclosed\n');
    // The parser's first line only: the rest is a picture of the file, which may hold credentials.
    expect(target({ KUBECONFIG: broken })).toBe(`the kubeconfig ${broken} cannot be read: deficient indentation (2:1)`);
  });
});
