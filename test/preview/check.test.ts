import * as fs from 'fs';
import * as path from 'path';
import { SchemaChecker } from '../../src/preview/check';
import { tempDir } from '../helpers';
import { ROOT } from './helpers';
import { crdSchemaDir } from '../../src/import/layout';

const cacheDir = tempDir('preview-crds');
const checker = new SchemaChecker({ root: ROOT, crdDir: crdSchemaDir(ROOT), cacheDir });

describe('SchemaChecker', () => {
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
