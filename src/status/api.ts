/**
 * The only code that reads the API server, for `status` and the operator commands (`logs`,
 * `kubeconfig`, `dashboard`): calls through @kubernetes/client-node, each bounded by the request
 * timeout, each failure turned into a ClusterError.
 */
import { ApiException, CoreV1Api, CustomObjectsApi, Middleware, ServerConfiguration, V1Pod, V1Secret, createConfiguration } from '@kubernetes/client-node';
import { ClusterTarget } from './kubeconfig';
import { requestError } from './request-errors';

/**
 * A custom resource, listed across all namespaces: GET /apis/<group>/<version>/<plural>, the one
 * request for a cluster-scoped resource and for every namespace of a namespaced one.
 */
export interface CustomResource {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
}

/** A read-only view of one API server. */
export interface ClusterApi {
  readonly server: string;
  readonly context: string;
  /** The items of `resource`; undefined when the server does not serve it (404). */
  listCustomObjects(resource: CustomResource): Promise<unknown[] | undefined>;
  /** The namespaces that match a label selector such as `key` or `key=value`. */
  listNamespaces(labelSelector: string): Promise<unknown[]>;
  /** The pods of `namespace` that match a label selector. */
  listPods(namespace: string, labelSelector: string): Promise<V1Pod[]>;
  /** The Secret `name` of `namespace`; undefined when there is none (404). */
  readSecret(namespace: string, name: string): Promise<V1Secret | undefined>;
}

/** Creates a client for the target's context that gives up on any request after `timeoutMs`. */
export function createClusterApi(target: ClusterTarget, timeoutMs: number): ClusterApi {
  // What KubeConfig.makeApiClient builds, plus the deadline middleware it has no place for.
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(target.server, {}),
    authMethods: { default: target.kubeConfig },
    promiseMiddleware: [deadline(timeoutMs)],
  });
  const core = new CoreV1Api(configuration);
  const custom = new CustomObjectsApi(configuration);
  const { server, context } = target;

  /** The answer to a GET of `path`; undefined for a 404. */
  async function get<T>(path: string, request: () => Promise<T>): Promise<T | undefined> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw requestError(error, { server, context, path, timeoutMs });
    }
  }

  async function list(path: string, request: () => Promise<unknown>): Promise<unknown[] | undefined> {
    const answer = await get(path, request);
    return answer === undefined ? undefined : itemsOf(answer);
  }

  return {
    server,
    context,
    listCustomObjects: ({ group, version, plural }) => list(`/apis/${group}/${version}/${plural}`, () => custom.listClusterCustomObject({ group, version, plural })),
    // A 404 here would mean no core API at all; an empty list is as good an answer as any.
    // Stryker disable next-line ArrayDeclaration: what is not a namespace object (as in the mutant's list) has no tenant label, and buildSnapshot leaves it out
    listNamespaces: async (labelSelector) => (await list('/api/v1/namespaces', () => core.listNamespace({ labelSelector }))) ?? [],
    listPods: async (namespace, labelSelector) => ((await list(`/api/v1/namespaces/${namespace}/pods`, () => core.listNamespacedPod({ namespace, labelSelector }))) ?? []) as V1Pod[],
    readSecret: (namespace, name) => get(`/api/v1/namespaces/${namespace}/secrets/${name}`, () => core.readNamespacedSecret({ namespace, name })),
  };
}

/**
 * Gives every request its own AbortSignal that fires after `timeoutMs`. undici's fetch honours it
 * while connecting, waiting and reading the body, and destroys the socket when it fires; the
 * signal's timer is unref'd, so neither keeps the process alive once the command is done.
 */
function deadline(timeoutMs: number): Middleware {
  return {
    pre: async (context) => {
      context.setSignal(AbortSignal.timeout(timeoutMs));
      return context;
    },
    post: async (context) => context,
  };
}

function itemsOf(list: unknown): unknown[] {
  const items = (list as { items?: unknown } | undefined)?.items;
  // Stryker disable next-line ArrayDeclaration: the API server sends `items` in every list, [] when empty; the fallback only satisfies the type
  return Array.isArray(items) ? items : [];
}
