import { ClusterConfig } from '../../config/clusters';
import { NAMING_CONVENTION } from '../../config/naming';
import { SourceDocument } from './documents';
import { isPlainObject } from './merge';
import { TeamSecret } from './model';
import { Problem } from './problems';

/**
 * Teams may commit Kubernetes Secrets, and only SOPS-encrypted for every cluster they go to:
 * Flux decrypts them in the cluster with that cluster's age key. The checks read the structure
 * SOPS writes (readable metadata, `ENC[...]` values, an age stanza per recipient); they never
 * decrypt, and no message ever quotes a value.
 */

/** A SOPS-encrypted value: AES-256-GCM ciphertext, IV, tag and the original type. */
const ENCRYPTED = /^ENC\[AES256_GCM,data:[A-Za-z0-9+/=]*,iv:[A-Za-z0-9+/=]+,tag:[A-Za-z0-9+/=]+,type:(str|int|float|bool|bytes)\]$/;
/** A key of a Secret's data (the API server's rule). */
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const TOP_LEVEL = ['apiVersion', 'kind', 'metadata', 'type', 'data', 'stringData', 'sops'];
const METADATA = ['name', 'namespace', 'labels', 'annotations'];
const HOW_TO = 'encrypt it with `sops --encrypt --in-place <file>` from the repository root (.sops.yaml names every cluster\'s key)';

/** Whether a team document is a Kubernetes Secret (by its readable apiVersion and kind). */
export function isSecretDocument(value: unknown): boolean {
  return isPlainObject(value) && value.apiVersion === 'v1' && value.kind === 'Secret';
}

/** One Secret as declared, and where: in the team folder (every cluster) or in clusters/<cluster>/ (that one). */
export interface SecretDeclaration {
  readonly secret: TeamSecret;
  readonly source: SourceDocument;
  /** Clusters the file goes to, by name. */
  readonly clusters: readonly string[];
}

/**
 * The Secret in `source` when it is SOPS-encrypted for each of `clusters`, else undefined with
 * every reason as a problem at the file and naming the Secret.
 */
export function checkSecret(source: SourceDocument, team: string, clusters: readonly ClusterConfig[], problems: Problem[]): TeamSecret | undefined {
  const document = source.value as Record<string, unknown>;
  const metadata = isPlainObject(document.metadata) ? document.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : undefined;
  const label = `Secret ${name ?? '(no name)'}`;
  const before = problems.length;
  const error = (at: (string | number)[], message: string) => problems.push({ severity: 'error', location: source.locate(at), message: `${label}: ${message}` });

  if (name === undefined) error(['metadata'], 'metadata.name is required');
  else if (!DNS_LABEL.test(name) || name.length > 63) error(['metadata', 'name'], 'metadata.name must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters');
  else if (!NAMING_CONVENTION.matches(team, name)) error(['metadata', 'name'], `${NAMING_CONVENTION.describe(team)}: rename it to "${team}-${name}"`);
  if (metadata.namespace !== undefined && metadata.namespace !== team) error(['metadata', 'namespace'], `metadata.namespace is "${String(metadata.namespace)}" but a team's objects live in its own namespace, "${team}"`);
  for (const key of Object.keys(document).filter((key) => !TOP_LEVEL.includes(key))) error([key], `unknown field ${key}: a Secret has ${TOP_LEVEL.join(', ')}`);
  for (const key of Object.keys(metadata).filter((key) => !METADATA.includes(key))) error(['metadata', key], `unknown field metadata.${key}: known fields: ${METADATA.join(', ')}`);
  // Other types are the cluster's business (service account tokens, registry credentials of a platform).
  if (document.type !== undefined && document.type !== 'Opaque') error(['type'], `type must be Opaque (or left out), not ${JSON.stringify(document.type)}`);

  const keys = checkValues(document, error);
  checkSopsMetadata(document.sops, clusters, error);
  if (problems.length > before || name === undefined) return undefined;
  return { name, document, keys };
}

/** The data and stringData keys; each value must be encrypted. */
function checkValues(document: Record<string, unknown>, error: (at: (string | number)[], message: string) => void): string[] {
  const keys: string[] = [];
  for (const section of ['data', 'stringData']) {
    const values = document[section];
    if (values === undefined) continue;
    if (!isPlainObject(values)) {
      error([section], `${section} must be a map of keys to encrypted values`);
      continue;
    }
    for (const [key, value] of Object.entries(values)) {
      if (!SECRET_KEY.test(key)) error([section, key], `${section} key "${key}" is not valid: letters, digits, "-", "_" and "."`);
      if (typeof value !== 'string' || !ENCRYPTED.test(value)) error([section, key], `${section}.${key} is not SOPS-encrypted (the value is not shown): ${HOW_TO}`);
      if (keys.includes(key)) error([section, key], `key "${key}" is in both data and stringData`);
      keys.push(key);
    }
  }
  // Stryker disable next-line ArrayDeclaration: [] is the whole document, and so is any path it lacks
  if (keys.length === 0) error([], 'a Secret needs data or stringData');
  return keys;
}

/** SOPS metadata naming, for every cluster the file goes to, that cluster's age recipient. */
function checkSopsMetadata(sops: unknown, clusters: readonly ClusterConfig[], error: (at: (string | number)[], message: string) => void): void {
  if (!isPlainObject(sops)) {
    // Stryker disable next-line ArrayDeclaration: [] is the whole document, and so is any path it lacks
    error([], `it is not SOPS-encrypted (no sops metadata): ${HOW_TO}`);
    return;
  }
  if (typeof sops.mac !== 'string' || !ENCRYPTED.test(sops.mac) || typeof sops.lastmodified !== 'string') error(['sops'], 'the sops metadata has no valid mac and lastmodified: encrypt the file with sops instead of editing it by hand');
  const stanzas = Array.isArray(sops.age) ? sops.age.filter(isPlainObject) : [];
  const recipients = stanzas.filter((stanza) => typeof stanza.enc === 'string' && stanza.enc.includes('BEGIN AGE ENCRYPTED FILE')).map((stanza) => stanza.recipient);
  for (const cluster of clusters) {
    if (!recipients.includes(cluster.sops.ageRecipient)) {
      error(['sops'], `it is not encrypted for cluster ${cluster.name} (age recipient ${cluster.sops.ageRecipient}, config/clusters.ts), which the file goes to: ${HOW_TO}, or \`sops updatekeys <file>\` if it is already encrypted`);
    }
  }
}
