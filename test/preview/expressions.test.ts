import { CelSyntaxError, compile, evaluate, formatReference, isStandalone, kroOnlyLibraryOf, OMITTED, segmentsOf, Unresolved, withoutOmitted } from '../../src/preview/expressions';

describe('expressions', () => {
  it('finds expressions with braces and quotes inside', () => {
    expect(segmentsOf('${{"a": 1}}')).toEqual([{ expression: '{"a": 1}' }]);
    expect(segmentsOf('echo ${"${USER}"} ok')).toEqual([{ literal: 'echo ' }, { expression: '"${USER}"' }, { literal: ' ok' }]);
    // After the last expression, a closing brace is literal text.
    expect(segmentsOf('${a} b}')).toEqual([{ expression: 'a' }, { literal: ' b}' }]);
    expect(segmentsOf('')).toEqual([]);
    expect(segmentsOf('plain')).toEqual([{ literal: 'plain' }]);
    expect(isStandalone(segmentsOf('${schema.spec.name}-svc'))).toBe(false);
    expect(isStandalone(segmentsOf('${schema.spec.replicas}'))).toBe(true);
  });

  it('collects references but not comprehension variables or function namespaces', () => {
    const { references } = compile('schema.spec.items.map(i, i.name + deployment.metadata.labels["app"]).size() > 0 && base64.encode(b"x") != ""');
    expect(references.map((reference) => [reference.root, reference.path])).toEqual([
      ['schema', ['spec', 'items']],
      ['deployment', ['metadata', 'labels', 'app']],
    ]);
  });

  it('evaluates with integers as CEL ints and returns plain values', () => {
    expect(evaluate(compile('schema.spec.replicas * 2'), { schema: { spec: { replicas: 2 } } })).toEqual({ value: 4 });
    expect(evaluate(compile('{"a": [1, "b"]}'), {})).toEqual({ value: { a: [1, 'b'] } });
    expect(evaluate(compile('"Team-A".lowerAscii()'), {})).toEqual({ value: 'team-a' });
  });

  it('names the kro library of a function the preview cannot evaluate', () => {
    expect(evaluate(compile('base64.encode(b"x")'), {})).toEqual({ error: 'function encode (cel-go ext.Encoders, enabled by kro) is not supported by the offline preview' });
    expect(evaluate(compile('[1, 2].sum()'), {})).toEqual({ error: 'function sum (Kubernetes lists, enabled by kro) is not supported by the offline preview' });
  });
});

describe('segmentsOf', () => {
  it('splits text into literals and expressions, quotes and escapes inside an expression included', () => {
    expect(segmentsOf('')).toEqual([]);
    expect(segmentsOf('plain')).toEqual([{ literal: 'plain' }]);
    expect(segmentsOf('a${x}${y}b')).toEqual([{ literal: 'a' }, { expression: 'x' }, { expression: 'y' }, { literal: 'b' }]);
    expect(segmentsOf('${"a\\"}"} z')).toEqual([{ expression: '"a\\"}"' }, { literal: ' z' }]);
    expect(segmentsOf("${'}'}")).toEqual([{ expression: "'}'" }]);
    expect(segmentsOf('${{"a": {"b": 1}}}!')).toEqual([{ expression: '{"a": {"b": 1}}' }, { literal: '!' }]);
    // An expression that never closes is text, as kro leaves it.
    expect(segmentsOf('x ${abc')).toEqual([{ literal: 'x ${abc' }]);
    expect(segmentsOf('${a} ${b')).toEqual([{ expression: 'a' }, { literal: ' ${b' }]);
    expect(isStandalone(segmentsOf(' ${a}'))).toBe(false);
    expect(isStandalone(segmentsOf('${a}${b}'))).toBe(false);
  });
});

describe('compile', () => {
  it("refuses CEL that does not parse with the parser's words, naming a reserved word", () => {
    expect(() => compile('a +')).toThrow(new CelSyntaxError('<input>:1:3: found + but expecting end of input'));
    expect(() => compile('namespace.x')).toThrow(new CelSyntaxError('<input>:1:1: reserved identifier "namespace" (CEL reserves it; kro\'s cel-go rejects it as well)'));
    expect(() => compile('a.b\n + package')).toThrow(new CelSyntaxError('<input>:2:4: reserved identifier "package" (CEL reserves it; kro\'s cel-go rejects it as well)'));
    // Past the ninth line and column: the position has two digits.
    expect(() => compile(`${'a +\n'.repeat(9)}schema.spec.x + namespace`)).toThrow(new CelSyntaxError('<input>:10:17: reserved identifier "namespace" (CEL reserves it; kro\'s cel-go rejects it as well)'));
    expect(() => compile('a +')).toThrow(CelSyntaxError);
  });

  it('parses each text once', () => {
    expect(compile('schema.spec.x + 1')).toBe(compile('schema.spec.x + 1'));
  });

  it('follows constant indexes into a reference; a computed index is a reference of its own', () => {
    expect(compile('a[0].b[0u]["k"][x.y]').references).toEqual([
      { root: 'a', path: [0, 'b', 0, 'k'], testOnly: false },
      { root: 'x', path: ['y'], testOnly: false },
    ]);
    expect(compile('a[1.5]').references).toEqual([{ root: 'a', path: [], testOnly: false }]);
  });

  it("marks what has() tests, and finds references in map keys and values, lists and a comprehension's range", () => {
    expect(compile('has(a.b.c) && a.list.exists(k, k == 1) && {x.y: z}.size() > 0 && [w].size() == 1').references).toEqual([
      { root: 'a', path: ['b', 'c'], testOnly: true },
      { root: 'a', path: ['list'], testOnly: false },
      { root: 'x', path: ['y'], testOnly: false },
      { root: 'z', path: [], testOnly: false },
      { root: 'w', path: [], testOnly: false },
    ]);
  });

  it("reads a call's receiver and arguments, but not a function namespace", () => {
    const roots = (source: string) => compile(source).references.map((reference) => reference.root);
    expect(roots('[1].map(base64, base64.encode(x)) + lists.range(y) + a.b().c(z) + (1 in [w])')).toEqual(['x', 'y', 'a', 'z', 'w']);
    expect(compile('[1].map(base64, base64.encode(x))').references).toEqual([{ root: 'x', path: [], testOnly: false }]);
    expect(roots('[1][schema.i] + a[b.c]')).toEqual(['schema', 'a', 'b']);
  });

  it('takes one field reference, as written, for its value without CEL, and nothing more', () => {
    expect(compile('schema.spec.env').plainReference).toBe(true);
    expect(compile(' schema.spec.env ').plainReference).toBe(true);
    expect(compile('a.b["c-d"]').plainReference).toBe(true);
    expect(compile('has(schema.spec.env)').plainReference).toBe(false);
    expect(compile('schema.spec.env + ""').plainReference).toBe(false);
    expect(compile('a.b["c"]').plainReference).toBe(false);
    expect(compile('a.b + a.c').plainReference).toBe(false);
  });
});

describe('evaluate', () => {
  it("reports CEL's errors, an unknown function, and the library of each function kro has and the preview lacks", () => {
    expect(evaluate(compile('1 / 0'), {})).toEqual({ error: 'int divide by zero' });
    expect(evaluate(compile('foo(1)'), {})).toEqual({ error: 'unknown function foo' });
    expect(evaluate(compile('[1].first()'), {})).toEqual({ error: 'function first (cel-go ext.Lists, enabled by kro) is not supported by the offline preview' });
    expect(evaluate(compile('lists.range(3)'), {})).toEqual({ error: 'function range (cel-go ext.Lists, enabled by kro) is not supported by the offline preview' });
    expect(evaluate(compile('cel.bind(a, 1, a)'), {})).toEqual({ error: 'function bind (cel-go ext.Bindings, enabled by kro) is not supported by the offline preview' });
    expect(evaluate(compile('a.b + 1'), { a: { b: 1.5 } })).toEqual({ error: "found no matching overload for '_+_' applied to '(double, int)'" });
    expect(evaluate(compile('x'), {})).toEqual({ error: 'unresolved attribute' });
  });

  it("binds only the names it is given: CEL's own, such as the type int, stay CEL's", () => {
    expect(compile('type(1) == int').references).toEqual([{ root: 'int', path: [], testOnly: false }]);
    expect(evaluate(compile('type(1) == int'), {})).toEqual({ value: true });
  });

  it("sorts lists as cel-go's ext.Lists does, and gives omit() kro's sentinel", () => {
    expect(evaluate(compile('["b", "c", "a"].sort()'), {})).toEqual({ value: ['a', 'b', 'c'] });
    expect(evaluate(compile('[3, 1, 2, 1].sort()'), {})).toEqual({ value: [1, 1, 2, 3] });
    expect(evaluate(compile('omit()'), {})).toEqual({ value: OMITTED });
  });

  it('returns unsigned ints as numbers, bytes as base64, doubles as they are, and a placeholder as its text', () => {
    expect(evaluate(compile('{1u: 2u, "x": b"hi", "f": 1.5, "l": [1u]}'), {})).toEqual({ value: { '1': 2, x: 'aGk=', f: 1.5, l: [1] } });
    expect(evaluate(compile('a + "!"'), { a: new Unresolved('d.status.x') })).toEqual({ value: '<unresolved: d.status.x>!' });
    expect(evaluate(compile('x.size() + x[1].y[0]'), { x: [1, { y: [2] }] })).toEqual({ value: 4 });
    const bound = { spec: { n: 2 } };
    expect(evaluate(compile('s.spec.n * 3'), { s: bound })).toEqual({ value: 6 });
    expect(evaluate(compile('s.spec.n * 4'), { s: bound })).toEqual({ value: 8 });
  });
});

describe('withoutOmitted, formatReference, Unresolved, kroOnlyLibraryOf', () => {
  it("drops omit()'s sentinel from maps and lists at every depth, keeping placeholders", () => {
    const placeholder = new Unresolved('r');
    expect(withoutOmitted({ a: OMITTED, b: [1, OMITTED, { c: OMITTED, d: [OMITTED, 2] }], e: placeholder })).toEqual({ b: [1, { d: [2] }], e: placeholder });
    expect(withoutOmitted('x')).toBe('x');
    expect(withoutOmitted(null)).toBeNull();
  });

  it('writes references as CEL does: dotted names, indexes and quoted keys', () => {
    expect(formatReference({ root: 'a', path: ['b', 0, 'c-d', '_e1', '1x'] })).toBe('a.b[0]["c-d"]._e1["1x"]');
    expect(String(new Unresolved('r.status.x'))).toBe('<unresolved: r.status.x>');
    expect(String(new Unresolved('r', 'x <unresolved: r> y'))).toBe('x <unresolved: r> y');
  });

  it('names the library of functions the preview lacks, by their full name', () => {
    expect(kroOnlyLibraryOf('sum')).toBe('Kubernetes lists');
    expect(kroOnlyLibraryOf('base64.encode')).toBe('cel-go ext.Encoders');
    expect(kroOnlyLibraryOf('json.marshal')).toBe('kro');
    expect(kroOnlyLibraryOf('encode')).toBeUndefined();
    expect(kroOnlyLibraryOf('size')).toBeUndefined();
  });

  // Each name as kro's libraries spell it (cel-go ext, Kubernetes' CEL libraries, kro's own), so a name misspelt in the list shows.
  it.each([
    ['cel-go ext.Lists', ['lists.range', 'slice', 'flatten', 'distinct', 'reverse', 'sortBy', 'first', 'last']],
    ['cel-go ext.Encoders', ['base64.encode', 'base64.decode']],
    ['cel-go ext.Bindings', ['cel.bind']],
    ['cel-go ext.TwoVarComprehensions', ['transformMap', 'transformMapEntry', 'transformList']],
    ['cel-go optional types', ['optional.of', 'optional.ofNonZeroValue', 'optional.none', 'orValue', 'hasValue', 'value', 'or']],
    ['Kubernetes lists', ['isSorted', 'sum', 'min', 'max', 'indexOf', 'lastIndexOf']],
    ['Kubernetes regex/URLs/quantity/IP/CIDR/semver', ['find', 'findAll', 'url', 'isURL', 'quantity', 'isQuantity', 'ip', 'isIP', 'cidr', 'isCIDR', 'semver', 'isSemver']],
    ['kro', ['random.seededString', 'json.marshal', 'json.unmarshal', 'hash.sha256', 'hash.md5', 'hash.fnv64a', 'lists.setAtIndex', 'lists.insertAtIndex', 'lists.removeAtIndex', 'merge']],
  ])('knows each function of %s', (library, names) => {
    for (const name of names) expect({ name, library: kroOnlyLibraryOf(name) }).toEqual({ name, library });
  });
});

describe('compile: function namespaces', () => {
  it.each(['base64', 'lists', 'sets', 'math', 'strings', 'cel', 'json', 'random', 'hash', 'optional', 'maps', 'runtime'])('reads %s.f(...) as a function, not a reference to a resource', (namespace) => {
    expect(compile(`${namespace}.f(schema.spec.x)`).references.map((reference) => [reference.root, reference.path])).toEqual([['schema', ['spec', 'x']]]);
  });

  it('reads an unknown name before a call as a reference', () => {
    expect(compile('gadgets.f(1)').references.map((reference) => reference.root)).toEqual(['gadgets']);
  });
});
