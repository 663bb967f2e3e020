/**
 * The apimachinery rules, with cases from their upstream tests
 * (k8s.io/apimachinery/pkg/util/validation/validation_test.go and
 * .../api/validate/content/kube_test.go, Kubernetes v1.34) and the messages upstream returns.
 */
import * as path from 'path';
import { loadRgds } from '../../src/preview/rgd';
import { ROOT } from '../../src/paths';
import { CLUSTERS } from '../../config/clusters';
import { some } from '../helpers';
import {
  apiServerViolations,
  checkedPaths,
  isConfigMapKey,
  isDns1035Label,
  isDns1123Label,
  isDns1123Subdomain,
  isEnvVarName,
  isLabelValue,
  isQualifiedName,
  isValidPathSegmentName,
  isValidPortName,
  isValidPortNum,
} from '../../src/preview/api-server-rules';

const valid = (rule: (value: string) => string[], values: string[]) => {
  for (const value of values) expect({ value, errors: rule(value) }).toEqual({ value, errors: [] });
};
const invalid = (rule: (value: string) => string[], values: string[]) => {
  for (const value of values) expect({ value, errors: rule(value) }).toEqual({ value, errors: expect.arrayContaining([expect.any(String)]) });
};

describe('apimachinery rules (validation.go)', () => {
  it('IsDNS1123Label', () => {
    valid(isDns1123Label, ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', 'a'.repeat(63)]);
    invalid(isDns1123Label, ['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2', '.', 'a.', '.a', 'a.b', '1.', '.1', '1.2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', 'a'.repeat(64)]);
    expect(isDns1123Label('a.b')).toEqual(['must not contain dots']);
  });

  it('IsDNS1123Subdomain', () => {
    valid(isDns1123Subdomain, ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', 'a.a', 'ab.a', 'abc.a', 'a1.a', 'a-1.a', 'a--1--2--b.a', 'a.1', 'ab.1', '0.a', '01.a', '1--a--b--2', `${'a'.repeat(63)}.${'b'.repeat(63)}`, 'a'.repeat(253)]);
    invalid(isDns1123Subdomain, ['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '.', 'a.', '.a', 'a..b', '1.', '.1', '1..2', ' ', 'a ', ' a', 'a b', 'A.a', 'aBc.a', 'a.A', 'a.-a', 'a.a-', 'a'.repeat(254)]);
  });

  it('IsDNS1035Label: what Service names must be, so no leading digit', () => {
    valid(isDns1035Label, ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', 'a'.repeat(63)]);
    invalid(isDns1035Label, ['0', '01', '012', '1a', '1-a', '1--a--b--2', '', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2', '.', 'a.', '.a', 'a.b', 'a'.repeat(64)]);
    expect(isDns1035Label('9lives-web')).toEqual([
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name' or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
  });

  it('IsQualifiedName (label and annotation keys)', () => {
    valid(isQualifiedName, ['simple', 'now-with-dashes', '1-starts-with-num', '1234', 'simple/simple', 'now-with-dashes/simple', 'now-with-dashes/now-with-dashes', 'now.with.dots/simple', 'now-with.dashes-and.dots/simple', '1-num.2-num/3-num', '1234/5678', '1.2.3.4/5678', 'Uppercase_Is_OK_123', 'example.com/Uppercase_Is_OK_123', 'requests.storage-foo', 'a'.repeat(63), `${'a'.repeat(253)}/${'b'.repeat(63)}`]);
    invalid(isQualifiedName, ['nospecialchars%^=@', 'cantendwithadash-', '-cantstartwithadash-', 'only/one/slash', 'Example.com/abc', 'example_com/abc', 'example.com/', '/simple', 'a'.repeat(64), `${'a'.repeat(254)}/abc`]);
  });

  it('IsValidLabelValue', () => {
    valid(isLabelValue, ['simple', 'now-with-dashes', '1-starts-with-num', 'end-with-num-1', '1234', 'a'.repeat(63), 'Uppercase_Is_OK_123', '']);
    invalid(isLabelValue, ['nospecialchars%^=@', 'Tama-nui-te-rā.is.Māori.sun', '\\backslashes\\are\\bad', '-starts-with-dash', 'ends-with-dash-', '.starts.with.dot', 'ends.with.dot.', 'a'.repeat(64)]);
  });

  it('IsConfigMapKey: the rule an environment variable published as a ConfigMap key must meet', () => {
    valid(isConfigMapKey, ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', 'a.a', 'ab.a', 'abc.a', 'a1.a', 'a-1.a', 'a--1--2--b.a', 'a.1', 'ab.1', '.a', '.1', 'A', 'AB', 'AbC', 'A1', 'A-1', 'a_b', 'KEY_NAME', 'key.name', 'key-name', '.env', 'a'.repeat(253)]);
    invalid(isConfigMapKey, ['', '.', '..', '..a', 'a b', 'a=b', 'A=B', 'a/b', 'a:b', 'a;b', 'a'.repeat(254)]);
    expect(isConfigMapKey('A=B')).toEqual(["a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name' or 'KEY_NAME' or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"]);
    expect(isConfigMapKey('..a')).toEqual(["must not start with '..'"]);
  });

  it('IsValidPortName (IANA_SVC_NAME): at most 15 characters and at least one letter', () => {
    valid(isValidPortName, ['telnet', 're-mail-ck', 'pop3', 'a', 'a-1', '1-a', 'a-1-b-2-c', '1-a-2-b-3', 'abcdefghijklmno']);
    invalid(isValidPortName, ['longerthan15characters', 'www.web', 'ab_cd', 'a--b', '-a', 'a-', '', '1234', 'Http', 'abcdefghijklmnop']);
    expect(isValidPortName('abcdefghijklmnop')).toEqual(['must be no more than 15 characters']);
  });

  it('IsValidPortNum', () => {
    for (const port of [1, 80, 8080, 65535]) expect(isValidPortNum(port)).toEqual([]);
    for (const port of [0, -1, 65536, 1.5]) expect(isValidPortNum(port)).toEqual(['must be between 1 and 65535, inclusive']);
  });

  it('IsRelaxedEnvVarName: printable ASCII but "=" (GA in Kubernetes 1.34)', () => {
    valid(isEnvVarName, ['A', 'ABC', 'AbC_123', 'abc', 'a.b.c', 'a-b-c', 'A_1', '1ABC', '1.1', '*', '$', ' A', 'a b']);
    invalid(isEnvVarName, ['', 'A=B', 'a\nb', 'é']);
  });

  it('IsValidPathSegmentName (RBAC object names)', () => {
    valid(isValidPathSegmentName, ['flux-tenant', 'system:admin', 'a.b']);
    expect(isValidPathSegmentName('..')).toEqual(["may not be '..'"]);
    expect(isValidPathSegmentName('a/b%c')).toEqual(["may not contain '/'", "may not contain '%'"]);
  });
});

describe('what each rule says, as upstream words it', () => {
  const label = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name' or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  const subdomain = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  const keyName = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName' or 'my.name' or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  const labelValue = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue' or 'my_value' or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

  it.each<[string, (value: string) => string[], string, string[]]>([
    ['IsDNS1123Label', isDns1123Label, 'A', [label]],
    ['IsDNS1123Label', isDns1123Label, 'a'.repeat(64), ['must be no more than 63 characters']],
    ['IsDNS1123Subdomain', isDns1123Subdomain, 'A', [subdomain]],
    ['IsDNS1123Subdomain', isDns1123Subdomain, 'a'.repeat(254), ['must be no more than 253 characters']],
    ['IsQualifiedName', isQualifiedName, 'only/one/slash', [`a valid label key ${keyName} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`]],
    ['IsQualifiedName', isQualifiedName, '/simple', ['prefix part must be non-empty']],
    ['IsQualifiedName', isQualifiedName, 'Example.com/abc', [`prefix part ${subdomain}`]],
    ['IsQualifiedName', isQualifiedName, 'example.com/', ['name part must be non-empty', `name part ${keyName}`]],
    ['IsQualifiedName', isQualifiedName, 'a'.repeat(64), ['name part must be no more than 63 characters']],
    ['IsQualifiedName', isQualifiedName, 'bad key!', [`name part ${keyName}`]],
    ['IsValidLabelValue', isLabelValue, '-x', [labelValue]],
    ['IsValidLabelValue', isLabelValue, 'a'.repeat(64), ['must be no more than 63 characters']],
    ['IsConfigMapKey', isConfigMapKey, '.', ["must not be '.'"]],
    ['IsConfigMapKey', isConfigMapKey, '..', ["must not be '..'"]],
    ['IsConfigMapKey', isConfigMapKey, 'a'.repeat(254), ['must be no more than 253 characters']],
    ['IsValidPortName', isValidPortName, 'a_b', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)']],
    ['IsValidPortName', isValidPortName, '1234', ['must contain at least one letter (a-z)']],
    ['IsValidPortName', isValidPortName, 'a--b', ['must not contain consecutive hyphens']],
    ['IsValidPortName', isValidPortName, '-a', ['must not begin or end with a hyphen']],
    ['IsValidPortName', isValidPortName, 'a-', ['must not begin or end with a hyphen']],
    ['IsValidPortName', isValidPortName, '', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)']],
    ['IsRelaxedEnvVarName', isEnvVarName, '', ['environment variable name must be non-empty']],
    ['IsRelaxedEnvVarName', isEnvVarName, 'A=B', ["a valid environment variable name must consist only of printable ASCII characters other than '='"]],
    ['IsValidPathSegmentName', isValidPathSegmentName, '.', ["may not be '.'"]],
  ])('%s(%j)', (_, rule, value, errors) => {
    expect(rule(value)).toEqual(errors);
  });
});

describe('what each kind holds to which rule', () => {
  it('Service names are DNS-1035 labels; other objects DNS-1123 subdomains; namespaces DNS-1123 labels', () => {
    expect(apiServerViolations({ apiVersion: 'v1', kind: 'Service', metadata: { name: '9lives-web' } })).toEqual([{ path: ['metadata', 'name'], key: false, message: expect.stringContaining('DNS-1035') }]);
    expect(apiServerViolations({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: '9lives-web' } })).toEqual([]);
    expect(apiServerViolations({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team.a' } })).toEqual([{ path: ['metadata', 'name'], key: false, message: 'must not contain dots' }]);
    expect(apiServerViolations({ apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic', metadata: { name: 'team-a.orders' } })).toEqual([]);
  });

  it('ConfigMap data keys, label keys and values, container and Service ports, environment variable names', () => {
    const violations = apiServerViolations({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-env', labels: { 'app.kubernetes.io/instance': `x${'y'.repeat(63)}`, 'bad key!': 'v' } },
      data: { GOOD: '1', 'A=B': '2' },
    });
    expect(violations.map(({ path, key }) => ({ path, key }))).toEqual([
      { path: ['metadata', 'labels', 'app.kubernetes.io/instance'], key: false },
      { path: ['metadata', 'labels', 'bad key!'], key: true },
      { path: ['data', 'A=B'], key: true },
    ]);
    const deployment = apiServerViolations({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', ports: [{ name: 'http-alternative', containerPort: 70000 }], env: [{ name: 'A=B', value: '1' }] }] } } },
    });
    expect(deployment.map(({ path }) => path.join('.'))).toEqual([
      'spec.template.spec.containers.0.ports.0.name',
      'spec.template.spec.containers.0.ports.0.containerPort',
      'spec.template.spec.containers.0.env.0.name',
    ]);
    const service = apiServerViolations({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web!' }, ports: [{ name: 'HTTP', port: 80, targetPort: 'http' }] } });
    expect(service.map(({ path }) => path.join('.'))).toEqual(['spec.ports.0.name', 'spec.selector.app']);
  });

  it('names objects by the rule of their kind and API: RBAC objects by path segment rules, a Service or Namespace of another API as a custom resource', () => {
    const nameViolations = (apiVersion: string, kind: string, name: string) => apiServerViolations({ apiVersion, kind, metadata: { name } }).map(({ message }) => message);
    expect(nameViolations('rbac.authorization.k8s.io/v1', 'Role', 'system:flux-tenant')).toEqual([]);
    expect(nameViolations('rbac.authorization.k8s.io/v1', 'RoleBinding', 'a/b')).toEqual(["may not contain '/'"]);
    expect(nameViolations('apps/v1', 'Deployment', 'system:flux-tenant')).toEqual([expect.stringContaining('RFC 1123 subdomain')]);
    expect(nameViolations('serving.knative.dev/v1', 'Service', '9lives')).toEqual([]);
    expect(nameViolations('example.com/v1', 'Namespace', 'team.a')).toEqual([]);
    expect(nameViolations('v1', 'ConfigMap', 'team.a')).toEqual([]);
    expect(apiServerViolations({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'team.a' } })).toEqual([{ path: ['metadata', 'namespace'], key: false, message: 'must not contain dots' }]);
  });

  it.each(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'])("checks a %s's pod template: its labels, annotations and every container", (kind) => {
    const violations = apiServerViolations({
      apiVersion: 'apps/v1',
      kind,
      metadata: { name: 'web' },
      spec: { template: { metadata: { labels: { app: 'web!' }, annotations: { 'a/b/c': '' } }, spec: { initContainers: [{ name: 'Init' }], containers: ['not a map', { name: 'App', ports: [{ name: 'http_alt', containerPort: 0 }], env: [{ name: 'A=B' }] }] } } },
    });
    expect(violations.map(({ path, key }) => [path.join('.'), key])).toEqual([
      ['spec.template.metadata.labels.app', false],
      ['spec.template.metadata.annotations.a/b/c', true],
      ['spec.template.spec.initContainers.0.name', false],
      ['spec.template.spec.containers.1.name', false],
      ['spec.template.spec.containers.1.ports.0.name', false],
      ['spec.template.spec.containers.1.ports.0.containerPort', false],
      ['spec.template.spec.containers.1.env.0.name', false],
    ]);
  });

  it("leaves the pod template of a kind it does not know, and a ConfigMap's or Service's fields of another API or kind, alone", () => {
    expect(apiServerViolations({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'job' }, spec: { template: { spec: { containers: [{ name: 'App' }] } } } })).toEqual([]);
    expect(apiServerViolations({ apiVersion: 'example.com/v1', kind: 'ConfigMap', metadata: { name: 'web' }, data: { 'A=B': '1' } })).toEqual([]);
    expect(apiServerViolations({ apiVersion: 'example.com/v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ name: 'HTTP' }] } })).toEqual([]);
    expect(apiServerViolations({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, data: { 'A=B': '1' }, spec: { ports: [{ name: 'HTTP' }], selector: { 'bad key!': 'web' } } })).toEqual([]);
    expect(apiServerViolations({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, data: { 'A=B': '1' }, spec: { ports: [{ name: 'HTTP' }], selector: { 'bad key!': 'web' } } })).toEqual([]);
  });

  it("checks a Service's port names, numbers, named target ports and selector", () => {
    const violations = apiServerViolations({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'web', port: 0, targetPort: 'Http' }], selector: { 'bad key!': 'web' } } });
    expect(violations.map(({ path, key }) => [path.join('.'), key])).toEqual([
      ['spec.ports.1.port', false],
      ['spec.ports.1.targetPort', false],
      ['spec.selector.bad key!', true],
    ]);
  });

  it('checks annotation keys as upstream does, lower-cased, and their total size in bytes', () => {
    const limit = 256 * 1024;
    const annotations = (size: number) => ({ 'Example.com/Note': 'é'.repeat((size - 'Example.com/Note'.length) / 2) });
    expect(apiServerViolations({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', annotations: annotations(limit) } })).toEqual([]);
    expect(apiServerViolations({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', annotations: annotations(limit + 2) } })).toEqual([{ path: ['metadata', 'annotations'], key: false, message: `may not have more than ${limit} bytes` }]);
  });

  it("limits a ConfigMap's data and binaryData together to 1 MiB", () => {
    const limit = 1024 * 1024;
    const configMap = (extra: number) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' }, data: { a: 'x'.repeat(limit / 2) }, binaryData: { b: 'y'.repeat(limit / 2 + extra) } });
    expect(apiServerViolations(configMap(0))).toEqual([]);
    expect(apiServerViolations(configMap(1))).toEqual([{ path: ['data'], key: false, message: `ConfigMap data may not have more than ${limit} bytes` }]);
  });

  it('leaves values only the cluster knows, and fields that are not there, unchecked', () => {
    expect(apiServerViolations({ apiVersion: 'v1', kind: 'Service', metadata: { name: '<unresolved: x.metadata.name>' } })).toEqual([]);
    expect(apiServerViolations({ apiVersion: 'v1', kind: 'ConfigMap' })).toEqual([]);
  });
});

describe('checkedPaths', () => {
  it('is metadata for every kind, and the fields apiServerViolations reads for the kinds it knows', () => {
    const template = [['spec', 'template', 'metadata'], ['spec', 'template', 'spec', 'initContainers'], ['spec', 'template', 'spec', 'containers']];
    expect(checkedPaths('v1', 'ConfigMap')).toEqual([['metadata'], ['data'], ['binaryData']]);
    expect(checkedPaths('v1', 'Service')).toEqual([['metadata'], ['spec', 'ports'], ['spec', 'selector']]);
    for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']) expect(checkedPaths('apps/v1', kind)).toEqual([['metadata'], ...template]);
    for (const [apiVersion, kind] of [['example.com/v1', 'ConfigMap'], ['serving.knative.dev/v1', 'Service'], ['batch/v1', 'CronJob']]) expect(checkedPaths(apiVersion, kind)).toEqual([['metadata']]);
  });

  /** `value` with every string but its apiVersion and kind made invalid for every rule, and every number too. */
  const spoiled = (value: unknown, top = true): unknown => {
    if (typeof value === 'string') return 'NOT VALID=!';
    if (typeof value === 'number') return -1;
    if (Array.isArray(value)) return value.map((item) => spoiled(item, false));
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, top && (key === 'apiVersion' || key === 'kind') ? item : spoiled(item, false)]));
  };
  const templates = CLUSTERS.flatMap((cluster) => loadRgds(ROOT, path.join(ROOT, 'dist', cluster.name, 'abstractions')).rgds.flatMap((rgd) => rgd.resources.map((resource) => resource.template as Record<string, unknown>)));

  it('covers every value apiServerViolations reads, in every resource the abstractions create: synth expands no other', () => {
    const violations = some(templates).flatMap((template) => {
      const object = spoiled(template) as Record<string, unknown>;
      return apiServerViolations(object).map((violation) => ({ object, violation }));
    });
    // Spoiled, they break rules of every kind: names, labels, ConfigMap keys, ports, environment variables.
    expect(new Set(violations.map(({ violation }) => violation.path.filter((segment) => typeof segment === 'string').at(-1))).size).toBeGreaterThan(5);
    for (const { object, violation } of violations) {
      const paths = checkedPaths(String(object.apiVersion), String(object.kind));
      expect({ kind: object.kind, path: violation.path, checked: paths.some((checked) => checked.every((segment, index) => violation.path[index] === segment)) }).toMatchObject({ checked: true });
    }
  });
});
