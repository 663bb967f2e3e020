import { AbstractionApi } from '../api';
import { PATTERNS, SEED_NAME_FIELD, SEED_NAMESPACE_FIELD } from '../fields';
import { field } from '../schema';

const spec = {
  name: SEED_NAME_FIELD,
  namespace: SEED_NAMESPACE_FIELD,
  image: field.string({
    description: 'Container image repository, without the tag, e.g. ghcr.io/acme/shop.',
    required: true,
    pattern: PATTERNS.imageRepository,
    maxLength: 255,
    hint: 'write the repository only (registry/path/name) and put the version in `tag`',
  }),
  tag: field.string({
    description: 'Image tag to run; prefer an immutable version over latest.',
    required: true,
    pattern: PATTERNS.imageTag,
    hint: 'letters, digits, `_`, `.` and `-`, at most 128 characters',
  }),
  replicas: field.integer({ description: 'Number of pods, when it is fixed (not with `autoscale`).', default: 1, minimum: 1, maximum: 20 }),
  autoscale: field.object({
    description: 'Instead of `replicas`: a HorizontalPodAutoscaler keeps the number of pods between the bounds, adding pods while their CPU use is above the target.',
    fields: {
      minReplicas: field.integer({ description: 'Fewest pods.', required: true, minimum: 1, maximum: 20 }),
      maxReplicas: field.integer({ description: 'Most pods; the namespace quota must hold this many.', required: true, minimum: 1, maximum: 20 }),
      cpuPercent: field.integer({ description: 'Target CPU use, in percent of the CPU each pod requests (`cpu`).', default: 80, minimum: 10, maximum: 100 }),
    },
  }),
  host: field.string({
    description: 'Hostname the shared Gateway routes to the application, e.g. shop.example.com.',
    required: true,
    pattern: PATTERNS.hostname,
    maxLength: 253,
    hint: 'a lower-case DNS name with at least one dot, e.g. shop.example.com',
  }),
  port: field.integer({ description: 'Port the container listens on (unprivileged, so at least 1024).', default: 8080, minimum: 1024, maximum: 65535 }),
  healthPath: field.string({ description: 'HTTP path of the readiness and liveness probes.', default: '/', pattern: PATTERNS.httpPath }),
  env: field.stringMap({ description: 'Environment variables, published as a ConfigMap the container reads.', default: {} }),
  secretEnv: field.stringMap({
    description:
      "Environment variables from the team's SOPS-encrypted Secrets, as `<secret name>/<key>`: the container reads the key of the Secret (decrypted by Flux in the cluster), never a copy.",
    valuePattern: PATTERNS.secretKeyReference,
    hint: '`<secret name>/<key>`, e.g. team-b-api-keys/stripe',
  }),
  cpu: field.string({ description: 'CPU the container requests.', default: '100m', pattern: PATTERNS.cpu, hint: 'a CPU quantity such as 250m or 1' }),
  memory: field.string({ description: 'Memory the container requests and may not exceed.', default: '256Mi', pattern: PATTERNS.memory, hint: 'a memory quantity such as 128Mi or 1Gi' }),
  infrastructure: field.string({
    description:
      "Name of one of the team's Infrastructures: the container gets DATABASE_URL, PGHOST, PGPORT, PGDATABASE, PGUSER and PGPASSWORD from the database's `<name>-app` Secret, and REDIS_URL when it runs a cache.",
    pattern: PATTERNS.dnsLabel,
    maxLength: 63,
    hint: "the metadata.name of an Infrastructure in the team's files",
  }),
  runAsUser: field.integer({
    description: 'User id the container runs as (never root). The root filesystem is read-only and /tmp is scratch space anyone may write, so most images run as any id; set the image\'s own id when it needs to read files only that user may.',
    default: 65532,
    minimum: 1,
    maximum: 2147483647,
  }),
};

/** The fields of a WebApplication, as teams write them. */
export type WebApplicationFields = typeof spec;

/** A stateless HTTP service: a Deployment of restricted pods, a Service and a route on the shared Gateway. */
export const webApplicationApi: AbstractionApi<WebApplicationFields> = {
  kind: 'WebApplication',
  plural: 'webapplications',
  scope: 'Namespaced',
  description:
    'A stateless HTTP application: a Deployment whose pods meet the restricted Pod Security Standard, a Service, and `https://<host>` on the shared Gateway (a certificate from the cluster\'s issuer, an HTTPS listener of its own in a ListenerSet, and plain HTTP redirected to HTTPS); optionally the credentials of an Infrastructure, Secrets of the team, and an autoscaler.',
  spec,
  printerColumns: [
    { name: 'Available', type: 'integer', jsonPath: '.status.availableReplicas' },
    { name: 'URL', type: 'string', jsonPath: '.status.url' },
  ],
};
