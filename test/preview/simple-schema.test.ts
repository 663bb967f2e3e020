import { applyDefaults, fieldAt, goRegExp, parseMarkers, parseSimpleSchema, SimpleSchemaError, toJsPattern, validateAgainst } from '../../src/preview/simple-schema';

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

describe('parseSimpleSchema: the OpenAPI shape of each field', () => {
  it('turns each type into its OpenAPI type, custom types included', () => {
    const types = { Port: { number: 'integer | required=true', name: 'string' } };
    expect(parseSimpleSchema({ s: 'string', i: 'integer', n: 'number', f: 'float', b: 'boolean', o: 'object', l: '[]string', ll: '[] []integer', m: 'map[string]integer', mp: 'map[string] Port', p: 'Port', lp: '[]Port' }, types)).toEqual({
      type: 'object',
      required: [],
      properties: {
        s: { type: 'string' },
        i: { type: 'integer' },
        n: { type: 'number' },
        f: { type: 'number' },
        b: { type: 'boolean' },
        o: { type: 'object', preserveUnknownFields: true },
        l: { type: 'array', items: { type: 'string' } },
        ll: { type: 'array', items: { type: 'array', items: { type: 'integer' } } },
        m: { type: 'object', additionalProperties: { type: 'integer' } },
        mp: { type: 'object', additionalProperties: { type: 'object', required: ['number'], properties: { number: { type: 'integer' }, name: { type: 'string' } } } },
        p: { type: 'object', required: ['number'], properties: { number: { type: 'integer' }, name: { type: 'string' } } },
        lp: { type: 'array', items: { type: 'object', required: ['number'], properties: { number: { type: 'integer' }, name: { type: 'string' } } } },
      },
    });
  });

  it('reads every marker into the field, and leaves validation and uniqueItems to the API server', () => {
    expect(parseSimpleSchema({
      name: 'string | required=true minLength=2 maxLength=8 pattern="^[a-z]+$" description="The name" immutable=true validation="self != \'x\'"',
      count: 'integer | minimum=-1 maximum=2.5 enum="1,-20" default=1',
      tags: '[]string | minItems=1 maxItems=3 uniqueItems=true default=["a"]',
      kind: 'string | enum="a, b" default=a',
      off: 'boolean | required=false immutable=false default=false',
    })).toEqual({
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 2, maxLength: 8, pattern: '^[a-z]+$', description: 'The name', immutable: true },
        count: { type: 'integer', minimum: -1, maximum: 2.5, enum: [1, -20], default: 1 },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 3, default: ['a'] },
        kind: { type: 'string', enum: ['a', 'b'], default: 'a' },
        off: { type: 'boolean', immutable: false, default: false },
      },
    });
  });

  it('gives an object whose fields have defaults the default {}, unless one of them is required', () => {
    expect(parseSimpleSchema({ probe: { path: 'string | default="/"', port: 'integer' }, auth: { user: 'string | required=true', port: 'integer | default=1' }, plain: { note: 'string' } }).properties).toEqual({
      probe: { type: 'object', required: [], properties: { path: { type: 'string', default: '/' }, port: { type: 'integer' } }, default: {} },
      auth: { type: 'object', required: ['user'], properties: { user: { type: 'string' }, port: { type: 'integer', default: 1 } } },
      plain: { type: 'object', required: [], properties: { note: { type: 'string' } } },
    });
  });

  it.each([
    ['a schema that is not a map', 'x', {}, 'spec: expected an object of fields'],
    ['a field that is neither a type nor a map', { a: 3 }, {}, 'spec.a: unknown type in schema: 3'],
    ['an unknown type', { a: 'strin' }, {}, 'spec.a: unknown type: strin'],
    ['no type before the markers', { a: '| default=1' }, {}, 'spec.a: unknown type: '],
    ['a type that only ends like a map', { a: 'xmap[string]string' }, {}, 'spec.a: unknown type: xmap[string]string'],
    ['an unknown element type', { a: '[]strin' }, {}, 'spec.a: unknown type: strin'],
    ['a map keyed by anything but strings', { a: 'map[int]string' }, {}, 'spec.a: unsupported key type for maps: int'],
    ['a marker without a value', { a: 'string | required' }, {}, "spec.a: marker key 'required' without a value"],
    ['an unknown marker', { a: 'string | requird=true' }, {}, 'spec.a: unknown marker: requird'],
    ['a later marker without a value', { a: 'string | default=x  required  ' }, {}, "spec.a: marker key 'required' without a value"],
    ['a marker without a key', { a: 'string | =x' }, {}, 'spec.a: unknown marker: '],
    ['an unclosed quote', { a: 'string | description="x' }, {}, 'spec.a: unclosed quote in markers'],
    ['unbalanced brackets', { a: '[]string | default=["x"' }, {}, 'spec.a: unbalanced brackets in markers'],
    ['a closing bracket too many', { a: '[]string | default=["x"]]' }, {}, 'spec.a: unbalanced brackets in markers'],
    ['minLength on an integer', { a: 'integer | minLength=1' }, {}, 'spec.a: minLength marker is only valid for string types'],
    ['pattern on an integer', { a: 'integer | pattern="x"' }, {}, 'spec.a: pattern marker is only valid for string types'],
    ['maxItems on a string', { a: 'string | maxItems=1' }, {}, 'spec.a: maxItems marker is only valid for array types'],
    ['a default that is not JSON', { a: 'integer | default=abc' }, {}, 'spec.a: default abc is not a valid integer'],
    ['an empty enum value', { a: 'string | enum="a,,b"' }, {}, 'spec.a: empty enum values are not allowed'],
    ['an enum of booleans', { a: 'boolean | enum="true"' }, {}, 'spec.a: enum values only supported for string and integer types, got boolean'],
    ['an enum of numbers, even whole ones', { a: 'number | enum="1"' }, {}, 'spec.a: enum values only supported for string and integer types, got number'],
    ['markers with no type before them, the markers first', { a: '| colour=red' }, {}, 'spec.a: unknown marker: colour'],
    ['an integer enum value that is not one', { a: 'integer | enum="1,1.5"' }, {}, 'spec.a: enum values only supported for string and integer types, got integer'],
    ['an integer enum value with a sign inside', { a: 'integer | enum="1-2"' }, {}, 'spec.a: enum values only supported for string and integer types, got integer'],
    ['a bound that is not a number', { a: 'integer | minimum=low' }, {}, 'spec.a: minimum value "low" is not a number'],
    ['an empty bound', { a: 'string | maxLength=""' }, {}, 'spec.a: maxLength value "" is not a number'],
    ['required that is not a boolean', { a: 'string | required=yes' }, {}, 'spec.a: required value "yes" is not a boolean'],
    ['immutable that is not a boolean', { a: 'string | immutable=1' }, {}, 'spec.a: immutable value "1" is not a boolean'],
    ['a broken custom type, named by its path', { a: 'Port' }, { Port: { n: 'int' } }, 'types.Port.n: unknown type: int'],
  ])('refuses %s, naming the field', (_, spec, types, message) => {
    expect(() => parseSimpleSchema(spec, types)).toThrow(new SimpleSchemaError(message.slice(0, message.indexOf(':')), message.slice(message.indexOf(':') + 2)));
    try {
      parseSimpleSchema(spec, types);
    } catch (error) {
      expect(error).toBeInstanceOf(SimpleSchemaError);
      expect((error as SimpleSchemaError).path).toBe(message.slice(0, message.indexOf(':')));
      expect((error as Error).message).toBe(message);
    }
  });

  it('reads a quoted marker value as written, escapes and all, and an unquoted one trimmed', () => {
    expect(parseMarkers('description="say \\"hi\\" \\\\ bye" default=x  pattern="" minimum=" 1 "')).toEqual([
      { key: 'description', value: 'say "hi" \\ bye' },
      { key: 'default', value: 'x' },
      { key: 'pattern', value: '' },
      { key: 'minimum', value: ' 1 ' },
    ]);
    // An escaped quote neither ends the value nor lets a space inside it end the marker.
    expect(parseMarkers('description="a \\" b" default=x')).toEqual([{ key: 'description', value: 'a " b' }, { key: 'default', value: 'x' }]);
    expect(parseMarkers('   ')).toEqual([]);
    expect(parseMarkers('default =1 description=a"b" pattern="a"b')).toEqual([{ key: 'default', value: '1' }, { key: 'description', value: 'a"b"' }, { key: 'pattern', value: '"a"b' }]);
    expect(() => parseMarkers('required')).toThrow(new SimpleSchemaError('spec', "marker key 'required' without a value"));
    expect(() => parseMarkers('=x')).toThrow(new SimpleSchemaError('spec', 'unknown marker: '));
  });
});

describe('validateAgainst and applyDefaults: every rule', () => {
  const schema = parseSimpleSchema({
    ratio: 'number',
    flag: 'boolean',
    list: '[]integer | minItems=1 maxItems=2',
    code: 'string | minLength=2 maxLength=3',
    level: 'integer | enum="1,2"',
    limits: 'map[string]integer | default={"cpu": 1}',
    nested: { inner: 'string' },
    free: 'object',
  });

  it('names each value of the wrong type, and checks nothing below it', () => {
    expect(validateAgainst(schema, { ratio: '1', flag: 'yes', list: 'x', code: 3, level: 1.5, limits: [], nested: 'x', free: 1 }, 'spec')).toEqual([
      { path: 'spec.ratio', message: 'must be a number, not "1"' },
      { path: 'spec.flag', message: 'must be a boolean, not "yes"' },
      { path: 'spec.list', message: 'must be a list, not "x"' },
      { path: 'spec.code', message: 'must be a string, not 3' },
      { path: 'spec.level', message: 'must be an integer, not 1.5' },
      { path: 'spec.limits', message: 'must be an object, not []' },
      { path: 'spec.nested', message: 'must be an object, not "x"' },
      { path: 'spec.free', message: 'must be an object, not 1' },
    ]);
    expect(validateAgainst(schema, 'x', 'spec')).toEqual([{ path: 'spec', message: 'must be an object, not "x"' }]);
  });

  it('checks lengths and item counts at their bounds, each item of a list and each value of a map', () => {
    const ok = { ratio: 0.5, flag: false, list: [1, 2], code: 'abc', level: 2, limits: { cpu: 2 }, nested: { inner: 'x' }, free: { anything: ['goes'] } };
    expect(validateAgainst(schema, ok, 'spec')).toEqual([]);
    expect(validateAgainst(schema, { ...ok, list: [1], code: 'ab' }, 'spec')).toEqual([]);
    const bounded = parseSimpleSchema({ n: 'integer | minimum=1 maximum=20' });
    expect([validateAgainst(bounded, { n: 1 }, 'spec'), validateAgainst(bounded, { n: 20 }, 'spec'), validateAgainst(bounded, { n: 21 }, 'spec')]).toEqual([[], [], [{ path: 'spec.n', message: 'must be <= 20' }]]);
    expect(validateAgainst(schema, { list: [], code: 'a', level: 3 }, 'spec')).toEqual([
      { path: 'spec.list', message: 'must have at least 1 items' },
      { path: 'spec.code', message: 'must be at least 2 characters' },
      { path: 'spec.level', message: 'must be one of 1, 2' },
    ]);
    expect(validateAgainst(schema, { list: [1, 'two', 3], code: 'abcd', limits: { cpu: 'x' }, nested: { other: 1 } }, 'spec')).toEqual([
      { path: 'spec.list', message: 'must have at most 2 items' },
      { path: 'spec.list[1]', message: 'must be an integer, not "two"' },
      { path: 'spec.code', message: 'must be at most 3 characters' },
      { path: 'spec.limits.cpu', message: 'must be an integer, not "x"' },
      { path: 'spec.nested.other', message: 'is not a declared field' },
    ]);
    // Absent and null values break nothing here: required fields are checked by their object.
    expect(validateAgainst(schema, { ratio: null, nested: undefined }, 'spec')).toEqual([]);
  });

  it('gives every instance its own copy of a default map, fills in defaults below lists and maps, and leaves null alone', () => {
    const first = applyDefaults(schema, {}) as { limits: Record<string, number> };
    first.limits.cpu = 5;
    expect(applyDefaults(schema, {})).toEqual({ limits: { cpu: 1 } });
    const deep = parseSimpleSchema({ conf: 'object | default={"a": {"b": 1}}' });
    (applyDefaults(deep, {}) as { conf: { a: { b: number } } }).conf.a.b = 5;
    expect(applyDefaults(deep, {})).toEqual({ conf: { a: { b: 1 } } });
    const withItems = parseSimpleSchema({ ports: '[]Port', byName: 'map[string]Port' }, { Port: { number: 'integer | default=80' } });
    expect(applyDefaults(withItems, { ports: [{}, { number: 1 }], byName: { web: {} } })).toEqual({ ports: [{ number: 80 }, { number: 1 }], byName: { web: { number: 80 } } });
    expect(applyDefaults(withItems, null)).toBeNull();
    // Nothing is added for a field without default, not even as undefined.
    expect(Object.keys(applyDefaults(withItems, { ports: [{}] }) as object)).toEqual(['ports']);
    expect(Object.keys((applyDefaults(withItems, { ports: [{ other: 1 }] }) as { ports: object[] }).ports[0])).toEqual(['other', 'number']);
    // A value of the wrong type is left as it is, for validation to name.
    expect(validateAgainst(withItems, applyDefaults(withItems, { ports: 'x', byName: 'y' }), 'spec')).toEqual([
      { path: 'spec.ports', message: 'must be a list, not "x"' },
      { path: 'spec.byName', message: 'must be an object, not "y"' },
    ]);
    const words = parseSimpleSchema({ word: 'string', words: '[]string' });
    expect(validateAgainst(words, applyDefaults(words, { word: ['a'], words: ['a', 1] }), 'spec')).toEqual([
      { path: 'spec.word', message: 'must be a string, not ["a"]' },
      { path: 'spec.words[1]', message: 'must be a string, not 1' },
    ]);
    expect(applyDefaults(schema, { limits: null })).toEqual({ limits: null });
  });
});

describe('fieldAt and goRegExp', () => {
  const schema = parseSimpleSchema({ web: { port: 'integer' }, env: 'map[string]string', hosts: '[]Host', free: 'object' }, { Host: { name: 'string' } });

  it('finds a declared field through objects, map values and list items; nothing that is not declared', () => {
    expect(fieldAt(schema, ['web', 'port'])).toEqual({ type: 'integer' });
    expect(fieldAt(schema, ['env', 'ANY'])).toEqual({ type: 'string' });
    // A list's item is one step down, whatever the index.
    expect(fieldAt(schema, ['hosts', '0', 'name'])).toEqual({ type: 'string' });
    expect(fieldAt(schema, ['web', 'nothing'])).toBeUndefined();
    expect(fieldAt(schema, ['web', 'port', 'deeper'])).toBeUndefined();
    // Below an object that keeps unknown fields, every path is that object's.
    expect(fieldAt(schema, ['free', 'a', 'b'])).toEqual({ type: 'object', preserveUnknownFields: true });
    expect(fieldAt(schema, [])).toBe(schema);
  });

  it("writes RE2's one-letter Unicode classes with braces, not an escaped backslash followed by p", () => {
    expect(toJsPattern('^\\pL\\PC$')).toBe('^\\p{L}\\P{C}$');
    expect(toJsPattern('\\\\pL')).toBe('\\\\pL');
    expect(toJsPattern('\\\\\\pL')).toBe('\\\\\\p{L}');
    expect(goRegExp('^\\pL+$').test('été')).toBe(true);
    expect(goRegExp('^\\pL+$').test('a1')).toBe(false);
    expect(goRegExp('^\\pL+$')).toBe(goRegExp('^\\pL+$'));
  });
});
