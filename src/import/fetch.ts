/**
 * A GET for `npm run import`, whose every failure is one sentence: a registry or a download that
 * cannot be reached, or does not answer within a minute, names the reason Node's fetch keeps in
 * `cause` ("connect ECONNREFUSED ...", "getaddrinfo ENOTFOUND ..."), not its bare "fetch failed".
 */
import { UsageError } from '../cli/usage-error';

/** How long one request may take. */
export const FETCH_TIMEOUT_MS = 60_000;

/**
 * `fetch(url)`; when the request fails before an answer, a UsageError saying `unreachable(reason)`.
 * The answer is returned whatever its status.
 */
export async function fetchOrRefuse(url: string, unreachable: (reason: string) => string, options: { headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<Response> {
  try {
    return await fetch(url, { headers: options.headers, signal: AbortSignal.timeout(options.timeoutMs ?? FETCH_TIMEOUT_MS) });
  } catch (error) {
    throw new UsageError(unreachable((error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message));
  }
}
