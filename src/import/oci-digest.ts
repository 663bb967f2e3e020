/**
 * The digest an OCI registry serves for a chart's tag, read through the OCI distribution API the
 * way helm and Flux pull it: `GET /v2/<name>/manifests/<tag>` with the manifest media types in
 * `Accept`, and, when the registry answers 401, the bearer token its `WWW-Authenticate` names
 * (anonymous pull: the charts are public). The digest is the SHA-256 of the manifest's bytes,
 * which must equal the registry's `Docker-Content-Digest` when it sends one.
 */
import { createHash } from 'crypto';
import { UsageError } from '../cli/usage-error';
import { FETCH_TIMEOUT_MS, fetchOrRefuse } from './fetch';

/** What a chart's manifest may be: an OCI image manifest (helm push), or an index or Docker manifest from other tools. */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
] as const;

/** The config media type of a Helm chart pushed to an OCI registry (helm.sh "Use OCI-based registries"). */
export const HELM_CONFIG_MEDIA_TYPE = 'application/vnd.cncf.helm.config.v1+json';

/** A chart's place in a registry: `oci://<registry>/<repository>` at `tag`. */
export interface OciReference {
  /** Host, with its port when it has one. */
  readonly registry: string;
  /** The repository's path inside the registry. */
  readonly repository: string;
  readonly tag: string;
}

/** `oci://host[:port]/path` at `tag`; anything else is a one-sentence error. */
export function ociReference(url: string, tag: string): OciReference {
  const match = /^oci:\/\/([^/\s]+)\/([a-z0-9]+(?:[._/-][a-z0-9]+)*)$/.exec(url);
  if (!match) throw new UsageError(`${url} is not an OCI chart repository: it must look like oci://<registry>/<path>`);
  return { registry: match[1], repository: match[2], tag };
}

/** How a reference is named in messages and in imports/lock.json. */
export function referenceName(reference: OciReference): string {
  return `oci://${reference.registry}/${reference.repository}:${reference.tag}`;
}

/**
 * Plain HTTP for a registry on this machine only (as Docker treats 127.0.0.0/8), HTTPS for every
 * other: a test's fake registry needs no certificate, and no real one is ever asked in the clear.
 */
export function registryBaseUrl(registry: string): string {
  const host = registry.replace(/:\d+$/, '');
  const loopback = host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  return `${loopback ? 'http' : 'https'}://${registry}`;
}

/** The manifest's digest (`sha256:<hex>`) for `reference`'s tag; a failure is one sentence naming it. */
export async function resolveDigest(reference: OciReference, timeoutMs = FETCH_TIMEOUT_MS): Promise<string> {
  const name = referenceName(reference);
  const url = `${registryBaseUrl(reference.registry)}/v2/${reference.repository}/manifests/${encodeURIComponent(reference.tag)}`;
  let response = await request(url, {}, name, timeoutMs);
  if (response.status === 401) {
    const token = await bearerToken(response.headers.get('www-authenticate'), reference, name, timeoutMs);
    // A redirect (registry.k8s.io to a regional mirror) drops the Authorization header, so the token goes to where the answer came from.
    response = await request(response.url, { authorization: `Bearer ${token}` }, name, timeoutMs);
  }
  if (response.status === 404) throw new UsageError(`${name}: the registry has no such tag (404); check the chart's version and repository in config/versions.ts`);
  if (!response.ok) throw new UsageError(`${name}: the registry answered ${response.status} ${response.statusText} for its manifest`);
  const bytes = Buffer.from(await response.arrayBuffer());
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const stated = response.headers.get('docker-content-digest');
  if (stated && stated !== digest) throw new UsageError(`${name}: the registry says its manifest is ${stated}, but the manifest it sent is ${digest}; not recording either`);
  checkHelmChart(bytes, name);
  return digest;
}

/** A manifest that is not a Helm chart's means the repository names something else. */
function checkHelmChart(bytes: Buffer, name: string): void {
  let manifest: { mediaType?: string; config?: { mediaType?: string } };
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as typeof manifest;
  } catch {
    throw new UsageError(`${name}: the registry's manifest is not JSON`);
  }
  if (manifest.config?.mediaType !== HELM_CONFIG_MEDIA_TYPE) {
    throw new UsageError(`${name} is not a Helm chart: its manifest's config is ${manifest.config?.mediaType ?? `missing (a ${manifest.mediaType ?? 'manifest of no media type'})`}, not ${HELM_CONFIG_MEDIA_TYPE}`);
  }
}

function request(url: string, headers: Record<string, string>, name: string, timeoutMs: number): Promise<Response> {
  return fetchOrRefuse(url, (reason) => `cannot reach the registry of ${name}: ${reason}; offline, import with --from (the digests recorded before are kept)`, {
    headers: { accept: MANIFEST_MEDIA_TYPES.join(', '), ...headers },
    timeoutMs,
  });
}

/**
 * An anonymous pull token from the realm of a `Bearer realm="...",service="...",scope="..."`
 * challenge (the registry token protocol; `scope` defaults to pulling the repository).
 */
async function bearerToken(challenge: string | null, reference: OciReference, name: string, timeoutMs: number): Promise<string> {
  const params = challenge && /^Bearer\s/i.test(challenge) ? challengeParameters(challenge) : undefined;
  if (!params?.realm) throw new UsageError(`${name}: the registry asks for credentials (${challenge ?? 'no WWW-Authenticate'}), but the platform's charts must be public`);
  const tokenUrl = new URL(params.realm);
  if (params.service) tokenUrl.searchParams.set('service', params.service);
  tokenUrl.searchParams.set('scope', params.scope ?? `repository:${reference.repository}:pull`);
  const response = await request(tokenUrl.href, {}, name, timeoutMs);
  if (!response.ok) throw new UsageError(`${name}: the token service ${tokenUrl.origin} answered ${response.status} ${response.statusText}`);
  const body = (await response.json().catch(() => ({}))) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (!token) throw new UsageError(`${name}: the token service ${tokenUrl.origin} sent no token`);
  return token;
}

/** `key="value"` pairs of an authentication challenge (values may hold commas). */
function challengeParameters(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1], match[2]]));
}
