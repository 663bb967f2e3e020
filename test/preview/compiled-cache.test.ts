import * as fs from 'fs';
import * as path from 'path';
import { loadCompiled, standaloneValidators, type CompiledModule } from '../../src/compiled-cache';
import { tempDir } from '../helpers';
import { ROOT } from './helpers';

const cacheDir = tempDir('compiled-cache');

/** A module of one ajv validator for an object with an integer `n`; `builds` counts calls of its source. */
function validatorModule(name: string, builds: { count: number }): CompiledModule {
  const schemas = { check: { type: 'object', properties: { n: { type: 'integer' } } } };
  return {
    cacheDir,
    name,
    key: JSON.stringify(schemas),
    resolveDir: ROOT,
    source: () => {
      builds.count++;
      return standaloneValidators(schemas, { allErrors: true, verbose: true });
    },
  };
}

type Check = ((data: unknown) => boolean) & { errors?: { instancePath: string; data?: unknown }[] };

function filesOf(name: string): string[] {
  return fs.readdirSync(cacheDir).filter((file) => file.startsWith(`${name}.`));
}

describe('loadCompiled', () => {
  it('builds a module once, names it by its key and reuses it', () => {
    const builds = { count: 0 };
    const { check } = loadCompiled<{ check: Check }>(validatorModule('reuse', builds));
    expect(check({ n: 1 })).toBe(true);
    expect(check({ n: 'one' })).toBe(false);
    expect(check.errors).toEqual([expect.objectContaining({ instancePath: '/n', data: 'one' })]);
    expect(filesOf('reuse')).toEqual([expect.stringMatching(/^reuse\.[0-9a-f]{16}\.js$/)]);
    loadCompiled(validatorModule('reuse', builds));
    expect(builds.count).toBe(1);
  });

  it('writes a module of another key to another file', () => {
    const builds = { count: 0 };
    loadCompiled(validatorModule('keys', builds));
    loadCompiled({ ...validatorModule('keys', builds), key: 'another key' });
    expect(builds.count).toBe(2);
    expect(filesOf('keys')).toHaveLength(2);
  });

  it.each([
    ['cut short', (text: string) => text.slice(0, Math.floor(text.length / 2))],
    ['ending with another key', (text: string) => text.replace(/cacheKey=[0-9a-f]+\n$/, 'cacheKey=0\n')],
  ])('rebuilds a file %s', (how, damage) => {
    const builds = { count: 0 };
    const name = `damaged-${how.replace(/ /g, '-')}`;
    loadCompiled(validatorModule(name, builds));
    const [file] = filesOf(name);
    const fullPath = path.join(cacheDir, file);
    const intact = fs.readFileSync(fullPath, 'utf8');
    fs.writeFileSync(fullPath, damage(intact));
    const { check } = loadCompiled<{ check: Check }>(validatorModule(name, builds));
    expect(builds.count).toBe(2);
    expect(check({ n: 2 })).toBe(true);
    expect(filesOf(name)).toEqual([file]);
    expect(fs.readFileSync(fullPath, 'utf8')).toBe(intact);
  });
});
