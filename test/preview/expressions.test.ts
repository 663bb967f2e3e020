import { compile, evaluate, isStandalone, segmentsOf } from '../../src/preview/expressions';

describe('expressions', () => {
  it('finds expressions with braces and quotes inside', () => {
    expect(segmentsOf('${{"a": 1}}')).toEqual([{ expression: '{"a": 1}' }]);
    expect(segmentsOf('echo ${"${USER}"} ok')).toEqual([{ literal: 'echo ' }, { expression: '"${USER}"' }, { literal: ' ok' }]);
    expect(isStandalone(segmentsOf('${schema.spec.name}-svc'))).toBe(false);
    expect(isStandalone(segmentsOf('${schema.spec.replicas}'))).toBe(true);
  });

  it('collects references but not comprehension variables or function namespaces', () => {
    const { references, functions } = compile('schema.spec.items.map(i, i.name + deployment.metadata.labels["app"]).size() > 0 && base64.encode(b"x") != ""');
    expect(references.map((reference) => [reference.root, reference.path])).toEqual([
      ['schema', ['spec', 'items']],
      ['deployment', ['metadata', 'labels', 'app']],
    ]);
    expect(functions).toEqual(['size', 'base64.encode']);
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
