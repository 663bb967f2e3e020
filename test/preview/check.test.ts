import * as fs from 'fs';
import * as path from 'path';
import { SchemaChecker } from '../../src/preview/check';
import { tempDir } from '../helpers';
import { ROOT } from './helpers';
import { crdSchemaDir } from '../../src/import/layout';

const cacheDir = tempDir('preview-crds');
const checker = new SchemaChecker({ root: ROOT, crdDir: crdSchemaDir(ROOT), cacheDir });

describe('SchemaChecker', () => {
  // The checker loads its validators at its first check: here, so that every test below covers that (mutation/jest-environment.js).
  beforeAll(() => checker.check({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }));

  it('checks core kinds with kubernetes-models, ignoring unresolved placeholders', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'team-a-web' },
      spec: { replicas: '2', minReadySeconds: '<unresolved: config.data.delay>', selector: {}, template: { spec: { containers: [{ name: 'app' }] } } },
    };
    expect(checker.check(deployment)).toEqual({ errors: [{ pointer: '/spec/replicas', message: 'must be integer' }] });
    expect(checker.check({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } })).toEqual({ errors: [] });
  });

  it('checks custom kinds against their CRD, unknown fields included', () => {
    const topic = { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic', metadata: { name: 't' }, spec: { partitions: 'three', replica: 1 } };
    expect(checker.check(topic)).toEqual({
      errors: [
        { pointer: '/spec', message: 'unknown field "replica"' },
        { pointer: '/spec/partitions', message: 'must be integer' },
      ],
    });
    expect(fs.readdirSync(cacheDir)).toContainEqual(expect.stringMatching(/^preview-validators\.[0-9a-f]{16}\.js$/));
    expect(new SchemaChecker({ root: ROOT, crdDir: crdSchemaDir(ROOT), cacheDir }).check({ ...topic, spec: { partitions: 3 } })).toEqual({ errors: [] });
  });

  it('loads the validators of all the kinds it is told about from one module', () => {
    const dir = fs.mkdtempSync(path.join(cacheDir, 'kinds-'));
    const kinds = [{ apiVersion: 'apps/v1', kind: 'Deployment' }, { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic' }, { apiVersion: 'example.com/v1', kind: 'Gadget' }];
    const kindsChecker = new SchemaChecker({ root: ROOT, crdDir: crdSchemaDir(ROOT), cacheDir: dir, kinds });
    expect(kindsChecker.check({ apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic', metadata: { name: 't' }, spec: { partitions: 3 } })).toEqual({ errors: [] });
    expect(kindsChecker.check({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 'two', selector: {}, template: {} } })).toEqual({ errors: [{ pointer: '/spec/replicas', message: 'must be integer' }] });
    // A kind not listed that cannot be checked compiles nothing more.
    expect(kindsChecker.check({ apiVersion: 'example.com/v1', kind: 'Widget' })).toEqual({ unchecked: expect.stringMatching(/^no CRD for Widget\.example\.com/) });
    expect(fs.readdirSync(dir)).toEqual([expect.stringMatching(/^preview-validators\.[0-9a-f]{16}\.js$/)]);
  });

  it('says when a CRD does not serve the version', () => {
    expect(checker.check({ apiVersion: 'kafka.strimzi.io/v9', kind: 'KafkaTopic' })).toEqual({ unchecked: 'kafkatopic.kafka.strimzi.io.json does not serve version v9 of KafkaTopic' });
  });

  it('says why a kind cannot be checked', () => {
    expect(checker.check({ apiVersion: 'example.com/v1', kind: 'Gadget' })).toEqual({ unchecked: 'no CRD for Gadget.example.com in imports/crds (list it in cdk8s.yaml and run npm run import)' });
    expect(checker.check({ apiVersion: 'v1', kind: 'Gadget' })).toEqual({ unchecked: 'no kubernetes-models schema for v1 Gadget' });
  });
});

describe('SchemaChecker: a CRD schema as the API server holds an object to it', () => {
  const crdDir = tempDir('preview-gadget-crd');
  fs.writeFileSync(path.join(crdDir, 'gadget.example.com.json'), JSON.stringify({
    group: 'example.com',
    kind: 'Gadget',
    plural: 'gadgets',
    scope: 'Namespaced',
    versions: {
      v1: {
        type: 'object',
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          metadata: { type: 'object', properties: { name: { type: 'string', pattern: '^x' } } },
          spec: {
            type: 'object',
            required: ['mode'],
            properties: {
              mode: { type: 'string', enum: ['a', 'b'] },
              label: { type: 'string', pattern: '^\\pL+$' },
              open: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'integer' } } },
              either: { anyOf: [{ type: 'string' }, { type: 'string', maxLength: 3 }] },
              counts: { type: 'object', additionalProperties: { type: 'integer' } },
              // Declared fields and a schema for the others: the others are checked against it, not refused.
              mixed: { type: 'object', properties: { a: { type: 'integer' } }, additionalProperties: { type: 'string' } },
              // A field named like a schema keyword is a field.
              pattern: { type: 'string' },
              // Only the object's own metadata is left to the API server, not a field of that name below it.
              template: { type: 'object', properties: { metadata: { type: 'object', properties: { labels: { type: 'object', additionalProperties: { type: 'string' } } } } } },
              // Branches of anyOf, oneOf, allOf and not constrain the fields declared beside them, and are not made strict.
              ...Object.fromEntries(['anyOf', 'oneOf', 'allOf', 'not'].map((logic) => [logic, { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'integer' } }, [logic]: logic === 'not' ? { properties: { a: { minimum: 5 } } } : [{ properties: { a: { minimum: 1 } } }] }])),
              labels: { type: 'object', additionalProperties: { type: 'string' } },
              list: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer' } } } },
              other: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer' } } } },
            },
          },
        },
      },
    },
  }));
  const gadgets = new SchemaChecker({ root: ROOT, crdDir, cacheDir: tempDir('preview-gadget-cache') });
  const gadget = (spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'x1' }) => gadgets.check({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata, spec });
  // The checker compiles its validators at its first check: here, so that what compiling does counts
  // as run by every test below (mutation/jest-environment.js), not by whichever test came first.
  beforeAll(() => gadget({ mode: 'a' }));

  it("passes what the schema allows: its enum values, Unicode classes written as RE2 writes them, any field where it keeps unknown ones, and metadata, which is the API server's", () => {
    expect(gadget({ mode: 'a', label: 'été', open: { known: 1, anything: [1] }, labels: { any: 'x' }, list: [{ n: 1 }], anyOf: { a: 1, b: 2 }, oneOf: { a: 1, b: 2 }, allOf: { a: 1, b: 2 }, not: { a: 1, b: 2 } }, { name: 'not x', extra: true })).toEqual({ errors: [] });
    expect(gadget({ mode: 'a', not: { a: 6, b: 1 } })).toEqual({ errors: [{ pointer: '/spec/not', message: 'must NOT be valid' }] });
    expect(gadget({ mode: 'a', mixed: { a: 1, b: 'x' }, pattern: '[' })).toEqual({ errors: [] });
    expect(gadget({ mode: 'a', mixed: { a: 'one', b: 2 } })).toEqual({ errors: [{ pointer: '/spec/mixed/b', message: 'must be string' }, { pointer: '/spec/mixed/a', message: 'must be integer' }] });
  });

  it('names each error at its place: enum values, patterns, unknown fields at every depth, wrong types, missing required fields', () => {
    expect(gadget({ mode: 'c', label: 'a1', extra: 1, labels: { a: 1 }, list: [{ n: 'one', m: 1 }] })).toEqual({
      errors: [
        { pointer: '/spec', message: 'unknown field "extra"' },
        { pointer: '/spec/mode', message: 'must be one of "a", "b"' },
        { pointer: '/spec/label', message: 'must match pattern "^\\p{L}+$"' },
        { pointer: '/spec/labels/a', message: 'must be string' },
        { pointer: '/spec/list/0', message: 'unknown field "m"' },
        { pointer: '/spec/list/0/n', message: 'must be integer' },
      ],
    });
    expect(gadget({})).toEqual({ errors: [{ pointer: '/spec', message: "must have required property 'mode'" }] });
    expect(gadget({ mode: 'a', template: { metadata: { labels: { app: 1 }, name: 'x' } } })).toEqual({
      errors: [
        { pointer: '/spec/template/metadata', message: 'unknown field "name"' },
        { pointer: '/spec/template/metadata/labels/app', message: 'must be string' },
      ],
    });
    // Each branch of anyOf says the same: said once.
    expect(gadget({ mode: 'a', either: 1 })).toEqual({ errors: [{ pointer: '/spec/either', message: 'must be string' }, { pointer: '/spec/either', message: 'must match a schema in anyOf' }] });
    expect(gadgets.check({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: {}, spec: { mode: 'a' }, status: {} })).toEqual({ errors: [{ pointer: '/', message: 'unknown field "status"' }] });
    // The API server checks metadata's fields, but it is an object all the same.
    expect(gadgets.check({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: 'x1', spec: { mode: 'a' } })).toEqual({ errors: [{ pointer: '/metadata', message: 'must be object' }] });
  });

  it('leaves out errors of values only the cluster knows', () => {
    expect(gadget({ mode: '<unresolved: config.data.mode>', list: [{ n: '<unresolved: config.data.n>' }], other: [{ n: 'x' }] })).toEqual({ errors: [{ pointer: '/spec/other/0/n', message: 'must be integer' }] });
    // Keys with / and ~ are escaped in the pointer, and found again.
    expect(gadget({ mode: 'a', counts: { 'a/b': '<unresolved: x>', 'c~d': '<unresolved: y>', 'e/f': 'z' } })).toEqual({ errors: [{ pointer: '/spec/counts/e~1f', message: 'must be integer' }] });
  });

  it('says which folder has no CRD, by its full path when it is the root itself', () => {
    expect(new SchemaChecker({ root: crdDir, crdDir, cacheDir: tempDir('preview-gadget-cache') }).check({ apiVersion: 'example.com/v1', kind: 'Widget' })).toEqual({ unchecked: `no CRD for Widget.example.com in ${crdDir} (list it in cdk8s.yaml and run npm run import)` });
  });
});
