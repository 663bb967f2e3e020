import { findCluster } from '../../config/clusters';
import { field, fieldAtPath, toSimpleSchema, type Fields } from '../../abstractions/schema';

const cluster = findCluster('dev')!;

describe("an abstraction's fields as kro's SimpleSchema", () => {
  it('writes only the markers a field sets', () => {
    const fields: Fields = {
      count: field.integer({ description: 'How many.' }),
      bounded: field.integer({ description: 'Within.', minimum: 1, maximum: 9 }),
      tags: field.stringList({ description: 'Tags.' }),
      few: field.stringList({ description: 'At most two.', maxItems: 2 }),
    };
    expect(toSimpleSchema(fields, cluster)).toEqual({
      count: 'integer | description="How many."',
      bounded: 'integer | minimum=1 maximum=9 description="Within."',
      tags: '[]string | uniqueItems=true description="Tags."',
      few: '[]string | uniqueItems=true maxItems=2 description="At most two."',
    });
  });

  it('refuses a double quote in a marker, which SimpleSchema cannot escape', () => {
    expect(() => toSimpleSchema({ name: field.string({ description: 'The "name".' }) }, cluster)).toThrow('SimpleSchema markers cannot hold double quotes: The "name".');
  });
});

describe('the field at a path below spec', () => {
  const fields: Fields = {
    env: field.stringMap({ description: 'Variables.' }),
    autoscale: field.object({ description: 'Scaling.', fields: { minReplicas: field.integer({ description: 'Least.' }) } }),
  };

  it('is a field, a group\'s field, or a map for its values, and nothing below a value', () => {
    expect(fieldAtPath(fields, ['autoscale', 'minReplicas'])).toBe((fields.autoscale as { fields: Fields }).fields.minReplicas);
    expect(fieldAtPath(fields, ['env', 'LOG_LEVEL'])).toBe(fields.env);
    expect(fieldAtPath(fields, ['env', 'LOG_LEVEL', 'more'])).toBeUndefined();
    expect(fieldAtPath(fields, ['autoscale', 'minReplicas', 'more'])).toBeUndefined();
    expect(fieldAtPath(fields, ['missing'])).toBeUndefined();
    expect(fieldAtPath(fields, [])).toBeUndefined();
  });
});
