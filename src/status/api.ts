/**
 * The only code that talks to the API server: list calls through @kubernetes/client-node, each
 * bounded by the request timeout, each failure turned into a ClusterError.
 */
import { ApiException, CoreV1Api, CustomObjectsApi, Middleware, ServerConfiguration, createConfiguration } from '@kubernetes/client-node';
import { ClusterTarget } from './kubeconfig';
import { requestError } from './request-errors';

/** A custom resource, listed across all namespaces. */
export interface CustomResource {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

/** A read-only view of one API server. */
export interface ClusterApi {
  readonly server: string;
  readonly context: string;
  /** The items of `resource`; undefined when the server does not serve it (404). */
  listCustomObjects(resource: CustomResource): Promise<unknown[] | undefined>;
  /** The namespaces that match a label selector such as `key` or `key=value`. */
  listNamespaces(labelSelector: string): Promise<unknown[]>;
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

  async function list(path: string, request: () => Promise<unknown>): Promise<unknown[] | undefined> {
    try {
      return itemsOf(await request());
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw requestError(error, { server, context, path, timeoutMs });
    }
  }

  return {
    server,
    context,
    listCustomObjects: ({ group, version, plural, namespaced }) =>
      list(`/apis/${group}/${version}/${plural}`, () =>
        namespaced ? custom.listCustomObjectForAllNamespaces({ group, version, resourcePlural: plural }) : custom.listClusterCustomObject({ group, version, plural }),
      ),
    // A 404 here would mean no core API at all; an empty list is as good an answer as any.
    listNamespaces: async (labelSelector) => (await list('/api/v1/namespaces', () => core.listNamespace({ labelSelector }))) ?? [],
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
  return Array.isArray(items) ? items : [];
}
