import { applyDefaults, parseMarkers, parseSimpleSchema, validateAgainst } from '../../src/preview/simple-schema';

describe('SimpleSchema', () => {
  const schema = parseSimpleSchema({
    name: 'string | required=true description="The name, with spaces"',
    replicas: 'integer | default=2 minimum=1 maximum=20',
    enabled: 'boolean | default=true',
    greeting: 'string | default="hello world"',
    level: 'string | enum="debug,info" default=info',
    labels: 'map[string]string',
    database: { version: 'integer | default=16', size: 'string | pattern="^[0-9]+Gi$" default="1Gi"' },
    values: 'object',
  });

  it('parses markers with quoted values', () => {
    expect(parseMarkers('required=true description="a \\"b\\" c" default={"a": [1, 2]}')).toEqual([
      { key: 'required', value: 'true' },
      { key: 'description', value: 'a "b" c' },
      { key: 'default', value: '{"a": [1, 2]}' },
    ]);
  });

  it('applies defaults, nested objects included', () => {
    expect(applyDefaults(schema, { name: 'x' })).toEqual({
      name: 'x', replicas: 2, enabled: true, greeting: 'hello world', level: 'info', database: { version: 16, size: '1Gi' },
    });
    expect(applyDefaults(schema, { name: 'x', replicas: 3, database: { version: 17 } })).toMatchObject({ replicas: 3, database: { version: 17, size: '1Gi' } });
  });

  it('leaves out an object with a required field when it is not given, as kro does (no default {})', () => {
    const schema = parseSimpleSchema({ autoscale: { max: 'integer | required=true', target: 'integer | default=80' }, probe: { path: 'string | default="/"' } });
    expect(applyDefaults(schema, {})).toEqual({ probe: { path: '/' } });
    expect(applyDefaults(schema, { autoscale: { max: 3 } })).toEqual({ autoscale: { max: 3, target: 80 }, probe: { path: '/' } });
    expect(validateAgainst(schema, applyDefaults(schema, {}), 'spec')).toEqual([]);
  });

  it('validates types, bounds, enums, patterns and required fields', () => {
    const value = applyDefaults(schema, { replicas: 0, level: 'trace', labels: { a: 1 }, database: { size: '1G' }, values: { anything: [1] } });
    expect(validateAgainst(schema, value, 'spec')).toEqual([
      { path: 'spec.name', message: 'is required' },
      { path: 'spec.replicas', message: 'must be >= 1' },
      { path: 'spec.level', message: 'must be one of "debug", "info"' },
      { path: 'spec.labels.a', message: 'must be a string, not 1' },
      { path: 'spec.database.size', message: 'must match ^[0-9]+Gi$' },
    ]);
  });
});
