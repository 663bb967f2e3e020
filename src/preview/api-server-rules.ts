/**
 * What the Kubernetes API server checks beyond a kind's OpenAPI schema, for the kinds the
 * abstractions create: the string rules of k8s.io/apimachinery/pkg/util/validation and
 * .../api/validate/content (ported with their messages), and which field each kind's validation
 * (pkg/apis/core/validation, pkg/apis/apps/validation, pkg/apis/rbac/validation, and
 * apiextensions for custom resources) holds to which rule. Kubernetes v1.34, the version of the
 * kind node. No npm package implements these rules; kubernetes-models' schemas stop at the
 * OpenAPI types.
 */

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1035_LABEL = '[a-z]([-a-z0-9]*[a-z0-9])?';
const LABEL_KEY_NAME = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE = `(${LABEL_KEY_NAME})?`;
const CONFIG_MAP_KEY = '[-._a-zA-Z0-9]+';

const anchoredCache = new Map<string, RegExp>();
/** The format as a whole-string RegExp, made once. */
const anchored = (format: string): RegExp => {
  let regexp = anchoredCache.get(format);
  // Stryker disable next-line ConditionalExpression: a cache: a RegExp made again matches the same
  if (!regexp) anchoredCache.set(format, (regexp = new RegExp(`^${format}$`)));
  return regexp;
};
const maxLenError = (length: number) => `must be no more than ${length} characters`;
/** validation.RegexError: the message, examples, and the regex. */
const regexError = (message: string, format: string, ...examples: string[]) =>
  `${message} (e.g. ${examples.map((example) => `'${example}'`).join(' or ')}, regex used for validation is '${format}')`;

/** validation.IsDNS1123Label: namespaces, container names, Service port names. */
export function isDns1123Label(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 63) errors.push(maxLenError(63));
  if (!anchored(DNS1123_LABEL).test(value)) {
    errors.push(anchored(DNS1123_SUBDOMAIN).test(value)
      ? 'must not contain dots'
      : regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", DNS1123_LABEL, 'my-name', '123-abc'));
  }
  return errors;
}

/** validation.IsDNS1123Subdomain: names of most objects, custom resources included. */
export function isDns1123Subdomain(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 253) errors.push(maxLenError(253));
  if (!anchored(DNS1123_SUBDOMAIN).test(value)) {
    errors.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", DNS1123_SUBDOMAIN, 'example.com'));
  }
  return errors;
}

/** validation.IsDNS1035Label: Service names (a Service name becomes a DNS label that must start with a letter). */
export function isDns1035Label(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 63) errors.push(maxLenError(63));
  if (!anchored(DNS1035_LABEL).test(value)) {
    errors.push(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", DNS1035_LABEL, 'my-name', 'abc-123'));
  }
  return errors;
}

/** content.IsLabelKey (IsQualifiedName): label keys, annotation keys. */
export function isQualifiedName(value: string): string[] {
  const errors: string[] = [];
  const parts = value.split('/');
  if (parts.length > 2) {
    return [`a valid label key ${regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LABEL_KEY_NAME, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix.length === 0) errors.push('prefix part must be non-empty');
    else errors.push(...isDns1123Subdomain(prefix).map((message) => `prefix part ${message}`));
  }
  if (name.length === 0) errors.push('name part must be non-empty');
  else if (name.length > 63) errors.push(`name part ${maxLenError(63)}`);
  if (!anchored(LABEL_KEY_NAME).test(name)) {
    errors.push(`name part ${regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LABEL_KEY_NAME, 'MyName', 'my.name', '123-abc')}`);
  }
  return errors;
}

/** content.IsLabelValue: label values, and so Service selectors. */
export function isLabelValue(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 63) errors.push(maxLenError(63));
  if (!anchored(LABEL_VALUE).test(value)) {
    errors.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LABEL_VALUE, 'MyValue', 'my_value', '12345'));
  }
  return errors;
}

/** validation.hasChDirPrefix. */
function chDirPrefix(value: string): string[] {
  if (value === '.') return ["must not be '.'"];
  if (value === '..') return ["must not be '..'"];
  if (value.startsWith('..')) return ["must not start with '..'"];
  return [];
}

/** validation.IsConfigMapKey: keys of ConfigMap (and Secret) data. */
export function isConfigMapKey(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 253) errors.push(maxLenError(253));
  if (!anchored(CONFIG_MAP_KEY).test(value)) {
    errors.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", CONFIG_MAP_KEY, 'key.name', 'KEY_NAME', 'key-name'));
  }
  return [...errors, ...chDirPrefix(value)];
}

/** validation.IsValidPortName (IANA_SVC_NAME): container port names, named target ports. */
export function isValidPortName(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 15) errors.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(value)) errors.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(value)) errors.push('must contain at least one letter (a-z)');
  if (value.includes('--')) errors.push('must not contain consecutive hyphens');
  if (value.startsWith('-') || value.endsWith('-')) errors.push('must not begin or end with a hyphen');
  return errors;
}

/** validation.IsValidPortNum. */
export function isValidPortNum(value: number): string[] {
  return Number.isInteger(value) && value >= 1 && value <= 65535 ? [] : ['must be between 1 and 65535, inclusive'];
}

/**
 * validation.IsRelaxedEnvVarName: container environment variable names. The
 * RelaxedEnvironmentVariableValidation gate is on by default since Kubernetes 1.32 and GA in
 * 1.34, so any printable ASCII character but '=' is allowed.
 */
export function isEnvVarName(value: string): string[] {
  const errors: string[] = [];
  if (value.length === 0) errors.push('environment variable name must be non-empty');
  if (/[^\x20-\x7e]|=/.test(value)) {
    errors.push("a valid environment variable name must consist only of printable ASCII characters other than '='");
  }
  return errors;
}

/** path.IsValidPathSegmentName: names of RBAC objects. */
export function isValidPathSegmentName(value: string): string[] {
  if (value === '.' || value === '..') return [`may not be '${value}'`];
  return ['/', '%'].filter((forbidden) => value.includes(forbidden)).map((forbidden) => `may not contain '${forbidden}'`);
}

/** One way an object breaks what the API server enforces. */
export interface ApiServerViolation {
  /** Path of the offending value in the object; for a map key, the key is the last segment. */
  readonly path: readonly (string | number)[];
  /** Whether the map key at `path`, not its value, is at fault. */
  readonly key: boolean;
  readonly message: string;
}

/** Size limit of a ConfigMap's data (core.MaxSecretSize, used for ConfigMaps too). */
const MAX_CONFIG_MAP_BYTES = 1024 * 1024;
/** Size limit of an object's annotations (apimachinery TotalAnnotationSizeLimitB). */
const MAX_ANNOTATION_BYTES = 256 * 1024;

/** The rule for `metadata.name` of a kind (ValidateObjectMeta's name function per kind). */
function nameRule(apiVersion: string, kind: string): (value: string) => string[] {
  if (kind === 'Service' && apiVersion === 'v1') return isDns1035Label;
  if (kind === 'Namespace' && apiVersion === 'v1') return isDns1123Label;
  if (apiVersion.startsWith('rbac.authorization.k8s.io/')) return isValidPathSegmentName;
  return isDns1123Subdomain;
}

/** Kinds whose pod template apiServerViolations checks. */
const WORKLOADS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'];

/**
 * The values of an object of `kind` that apiServerViolations reads, as the paths below which they
 * are: a value elsewhere breaks no rule it knows. Validate and synth expand only these.
 */
export function checkedPaths(apiVersion: string, kind: string): readonly (readonly string[])[] {
  const paths: string[][] = [['metadata']];
  if (kind === 'ConfigMap' && apiVersion === 'v1') paths.push(['data'], ['binaryData']);
  if (kind === 'Service' && apiVersion === 'v1') paths.push(['spec', 'ports'], ['spec', 'selector']);
  if (WORKLOADS.includes(kind)) paths.push(['spec', 'template', 'metadata'], ['spec', 'template', 'spec', 'initContainers'], ['spec', 'template', 'spec', 'containers']);
  return paths;
}

type Json = Record<string, unknown>;
// Stryker disable next-line ConditionalExpression: where a list stands for a map, none of the fields read below is there, as in an empty map
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
/** The maps in `value` with their indices, when it is a list (anything else there the API server refuses by its schema). */
const mapsIn = (value: unknown): [Json, number][] =>
  // Stryker disable next-line ArrayDeclaration: what is not a list's map is skipped, so what stands in for no list is too
  Array.isArray(value) ? value.flatMap((item, index): [Json, number][] => (isObject(item) ? [[item, index]] : [])) : [];
/** A value only the cluster knows, shown by the preview as `<unresolved: ...>`: not checkable. */
const known = (value: unknown): value is string => typeof value === 'string' && !value.startsWith('<unresolved:');

/**
 * Everything `object` breaks of what the API server enforces for its kind. Only fields that are
 * present are checked: the preview passes whole objects, validate and synth pass the fields a
 * team's values reach.
 */
export function apiServerViolations(object: Json): ApiServerViolation[] {
  const violations: ApiServerViolation[] = [];
  // Most values break nothing: a path is spelled out only for an error.
  const add = (errors: string[], path: () => readonly (string | number)[], key = false) => {
    for (const message of errors) violations.push({ path: path(), key, message });
  };
  const apiVersion = String(object.apiVersion);
  const kind = String(object.kind);
  const metadata = isObject(object.metadata) ? object.metadata : {};
  if (known(metadata.name)) add(nameRule(apiVersion, kind)(metadata.name), () => ['metadata', 'name']);
  if (known(metadata.namespace)) add(isDns1123Label(metadata.namespace), () => ['metadata', 'namespace']);
  checkObjectMeta(metadata, ['metadata'], add);
  if (kind === 'ConfigMap' && apiVersion === 'v1') checkConfigMap(object, add);
  if (kind === 'Service' && apiVersion === 'v1') checkService(object, add);
  const spec = isObject(object.spec) ? object.spec : {};
  const template = isObject(spec.template) ? spec.template : undefined;
  if (template && WORKLOADS.includes(kind)) {
    checkObjectMeta(isObject(template.metadata) ? template.metadata : {}, ['spec', 'template', 'metadata'], add);
    checkPodSpec(isObject(template.spec) ? template.spec : {}, ['spec', 'template', 'spec'], add);
  }
  return violations;
}

type Add = (errors: string[], path: () => readonly (string | number)[], key?: boolean) => void;

/** ValidateObjectMeta's labels and annotations. */
function checkObjectMeta(metadata: Json, at: readonly (string | number)[], add: Add): void {
  const labels = isObject(metadata.labels) ? metadata.labels : {};
  for (const [key, value] of Object.entries(labels)) {
    add(isQualifiedName(key), () => [...at, 'labels', key], true);
    if (known(value)) add(isLabelValue(value), () => [...at, 'labels', key]);
  }
  const annotations = isObject(metadata.annotations) ? metadata.annotations : {};
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    add(isQualifiedName(key.toLowerCase()), () => [...at, 'annotations', key], true);
    size += Buffer.byteLength(key) + Buffer.byteLength(String(value));
  }
  if (size > MAX_ANNOTATION_BYTES) add([`may not have more than ${MAX_ANNOTATION_BYTES} bytes`], () => [...at, 'annotations']);
}

/** ValidateConfigMap: keys and total size. */
function checkConfigMap(object: Json, add: Add): void {
  let size = 0;
  for (const field of ['data', 'binaryData']) {
    const data = isObject(object[field]) ? (object[field] as Json) : {};
    for (const [key, value] of Object.entries(data)) {
      add(isConfigMapKey(key), () => [field, key], true);
      size += Buffer.byteLength(String(value));
    }
  }
  if (size > MAX_CONFIG_MAP_BYTES) add([`ConfigMap data may not have more than ${MAX_CONFIG_MAP_BYTES} bytes`], () => ['data']);
}

/** ValidateService: port names, numbers, named target ports, selector. */
function checkService(object: Json, add: Add): void {
  const spec = isObject(object.spec) ? object.spec : {};
  for (const [port, index] of mapsIn(spec.ports)) {
    if (known(port.name)) add(isDns1123Label(port.name), () => ['spec', 'ports', index, 'name']);
    if (typeof port.port === 'number') add(isValidPortNum(port.port), () => ['spec', 'ports', index, 'port']);
    if (known(port.targetPort)) add(isValidPortName(port.targetPort), () => ['spec', 'ports', index, 'targetPort']);
  }
  const selector = isObject(spec.selector) ? spec.selector : {};
  for (const [key, value] of Object.entries(selector)) {
    add(isQualifiedName(key), () => ['spec', 'selector', key], true);
    if (known(value)) add(isLabelValue(value), () => ['spec', 'selector', key]);
  }
}

/** ValidatePodSpec's containers: names, ports, environment variable names. */
function checkPodSpec(spec: Json, at: readonly (string | number)[], add: Add): void {
  for (const field of ['initContainers', 'containers']) {
    for (const [container, index] of mapsIn(spec[field])) {
      const here = [...at, field, index];
      if (known(container.name)) add(isDns1123Label(container.name), () => [...here, 'name']);
      for (const [port, portIndex] of mapsIn(container.ports)) {
        if (known(port.name)) add(isValidPortName(port.name), () => [...here, 'ports', portIndex, 'name']);
        if (typeof port.containerPort === 'number') add(isValidPortNum(port.containerPort), () => [...here, 'ports', portIndex, 'containerPort']);
      }
      for (const [variable, envIndex] of mapsIn(container.env)) if (known(variable.name)) add(isEnvVarName(variable.name), () => [...here, 'env', envIndex, 'name']);
    }
  }
}
