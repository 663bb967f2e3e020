import { field } from './schema';

/**
 * Patterns shared by several abstractions. They are RE2-compatible because kro turns them into
 * CRD validation, which the API server evaluates in Go.
 */
export const PATTERNS = {
  dnsLabel: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
  hostname: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)+$',
  /** An image repository, optionally with registry and port: `nginx`, `ghcr.io/org/app`, `localhost:5000/app`. */
  imageRepository: '^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*$',
  imageTag: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$',
  /** A PostgreSQL name that needs no quoting tricks: lower-case letter first, then letters, digits, `_` or `-`. */
  databaseName: '^[a-z][a-z0-9_-]*$',
  cpu: '^([0-9]+m|[0-9]+([.][0-9]+)?)$',
  memory: '^[0-9]+(Ki|Mi|Gi)$',
  httpPath: '^/[A-Za-z0-9._~%/-]*$',
  /** `<secret name>/<key>`: a DNS label, a slash, and a Secret key. */
  secretKeyReference: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[-._a-zA-Z0-9]+$',
  /**
   * A Git host handle as CODEOWNERS takes it: `@user` (GitHub user names: letters, digits and
   * single inner hyphens) or `@org/team` (a team slug: letters, digits, `-` and `_`).
   */
  codeOwner: '^@[A-Za-z0-9](-?[A-Za-z0-9])*(/[A-Za-z0-9][A-Za-z0-9_-]*)?$',
} as const;

/**
 * The Mini-Atlas seed's files repeat the instance's name and namespace in `spec`. They are
 * accepted (synth checks they agree with metadata) but nothing depends on them.
 */
export const SEED_NAME_FIELD = field.string({
  description: 'Repeats metadata.name, as the Mini-Atlas seed files do; must equal it when given.',
  pattern: PATTERNS.dnsLabel,
  maxLength: 63,
});

export const SEED_NAMESPACE_FIELD = field.string({
  description: 'Repeats metadata.namespace, as the Mini-Atlas seed files do; must equal it when given.',
  pattern: PATTERNS.dnsLabel,
  maxLength: 63,
});
