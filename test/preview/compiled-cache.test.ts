import * as fs from 'fs';
import * as path from 'path';
import { CACHE_DIR, loadCompiled, packageVersion, standaloneValidators, type CompiledModule } from '../../src/compiled-cache';
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

describe('CACHE_DIR', () => {
  it("is inside .build/, which Git ignores: compiled modules never show up as the repository's changes", () => {
    expect(path.relative(ROOT, CACHE_DIR)).toBe(path.join('.build', 'compiled'));
    expect(fs.readFileSync(path.join(ROOT, '.gitignore'), 'utf8').split('\n')).toContain('.build/');
  });
});

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

describe('loadCompiled, beyond ajv', () => {
  it('rebuilds a file emptied (as a full disk leaves one)', () => {
    const builds = { count: 0 };
    loadCompiled(validatorModule('emptied', builds));
    const [file] = filesOf('emptied');
    fs.writeFileSync(path.join(cacheDir, file), '');
    const { check } = loadCompiled<{ check: Check }>(validatorModule('emptied', builds));
    expect({ builds: builds.count, valid: check({ n: 3 }) }).toEqual({ builds: 2, valid: true });
  });

  it("bundles the userland punycode, never Node's deprecated built-in", () => {
    const { toASCII } = loadCompiled<{ toASCII: (domain: string) => string }>({ cacheDir, name: 'punycode', key: 'punycode', resolveDir: ROOT, source: () => "export { toASCII } from 'punycode';" });
    expect(toASCII('bücher.example')).toBe('xn--bcher-kva.example');
    const text = fs.readFileSync(path.join(cacheDir, filesOf('punycode')[0]), 'utf8');
    expect(text).not.toMatch(/require\(["']punycode["']\)/);
    expect(text).not.toMatch(/require\(["']node:punycode["']\)/);
  });

  it('closes the files it reads', () => {
    const module = validatorModule('descriptors', { count: 0 });
    loadCompiled(module);
    const open = () => fs.readdirSync('/proc/self/fd').length;
    const before = open();
    for (let load = 0; load < 100; load++) loadCompiled(module);
    // Generous: the test process may open a few descriptors of its own meanwhile, not 100.
    expect(open() - before).toBeLessThan(50);
  });

  it("keys a package's code by its version, read from its package.json", () => {
    const ajv = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'ajv', 'package.json'), 'utf8')) as { version: string };
    expect(packageVersion(ROOT, 'ajv')).toBe(`ajv@${ajv.version}`);
  });
});
