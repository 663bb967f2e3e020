/** Walking the JSON schemas of CRDs: every subschema reached, no data touched. */
import { mapSubschemas, withoutDescriptions } from '../src/json-schema';

describe('mapSubschemas', () => {
  it('maps the subschemas of every keyword CRDs use, and leaves data and names alone', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'string' } },
      patternProperties: { '^x-': { type: 'string' } },
      items: { type: 'string' },
      additionalProperties: { type: 'string' },
      not: { type: 'string' },
      anyOf: [{ type: 'string' }],
      oneOf: [{ type: 'string' }],
      allOf: [{ type: 'string' }],
      enum: [{ type: 'string' }],
      default: { type: 'string' },
      'x-kubernetes-validations': [{ rule: 'self.a != ""' }],
    };
    const mapped = mapSubschemas(schema, () => 'mapped');
    expect(mapped).toEqual({
      type: 'object',
      properties: { a: 'mapped' },
      patternProperties: { '^x-': 'mapped' },
      items: 'mapped',
      additionalProperties: 'mapped',
      not: 'mapped',
      anyOf: ['mapped'],
      oneOf: ['mapped'],
      allOf: ['mapped'],
      enum: [{ type: 'string' }],
      default: { type: 'string' },
      'x-kubernetes-validations': [{ rule: 'self.a != ""' }],
    });
    // additionalProperties: false is a value, not a schema.
    expect(mapSubschemas({ additionalProperties: false, items: [1] }, () => 'mapped')).toEqual({ additionalProperties: false, items: [1] });
  });
});

describe('withoutDescriptions', () => {
  it('drops every description, at every depth, but keeps a field named description', () => {
    const crd = {
      description: 'A thing.',
      type: 'object',
      properties: {
        description: { description: 'The field called description.', type: 'string' },
        spec: { description: 'Its spec.', type: 'object', additionalProperties: { description: 'Any.', type: 'string' } },
        list: { type: 'array', items: { description: 'An item.', anyOf: [{ description: 'A choice.', type: 'integer' }] } },
      },
    };
    expect(withoutDescriptions(crd)).toEqual({
      type: 'object',
      properties: {
        description: { type: 'string' },
        spec: { type: 'object', additionalProperties: { type: 'string' } },
        list: { type: 'array', items: { anyOf: [{ type: 'integer' }] } },
      },
    });
    expect(withoutDescriptions('a value')).toBe('a value');
  });
});
