import { celLiteral, celOf, expr, mapExpr, refs, resolveMapExpressions } from '../../abstractions/expression';

describe("kro's ${...} expressions in typed templates", () => {
  it('reads the CEL of a whole-value expression, and refuses anything else', () => {
    expect(celOf(expr('schema.spec.replicas'))).toBe('schema.spec.replicas');
    for (const text of ['schema.spec.replicas', '${schema.spec.replicas', 'schema.spec.replicas}', '{schema.spec.replicas}', '$schema}']) {
      expect(() => celOf(text)).toThrow(`not an expression: ${text}`);
    }
  });

  it('makes typed references to instance fields, a map field as a map expression', () => {
    const fields = refs<{ replicas: number; env: Record<string, string> }>(['replicas', 'env'], 'schema.spec', (name) => name === 'env');
    expect(fields).toEqual({ replicas: '${schema.spec.replicas}', env: mapExpr('schema.spec.env') });
    expect(refs<{ host: string }>(['host'], 'schema.spec')).toEqual({ host: '${schema.spec.host}' });
    expect(resolveMapExpressions({ spec: [{ env: fields.env, name: 'web' }] })).toEqual({ spec: [{ env: '${schema.spec.env}', name: 'web' }] });
  });

  it('writes values as CEL literals, a whole expression as the CEL it holds and any other text as a string', () => {
    expect(celLiteral([{ name: 'A', value: expr('schema.metadata.name') }, 3, true])).toBe('[{"name": "A", "value": schema.metadata.name}, 3, true]');
    expect(celLiteral('plain')).toBe('"plain"');
    for (const text of ['cost: 3}', '${partial', 'a ${b} c', '${a}-${b}']) expect(celLiteral(text)).toBe(JSON.stringify(text));
  });
});
