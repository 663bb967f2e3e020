import * as fs from 'fs';
import * as path from 'path';
import { findRoot, ROOT } from '../src/paths';
import { tempDir } from './helpers';

describe('the repository root', () => {
  it('is the folder of cdk8s.yaml, found from any folder below it', () => {
    expect(fs.existsSync(path.join(ROOT, 'cdk8s.yaml'))).toBe(true);
    expect(findRoot(path.join(ROOT, 'src', 'cli', 'commands'))).toBe(ROOT);
    expect(findRoot(ROOT)).toBe(ROOT);
  });

  it('is the nearest cdk8s.yaml above, and none is an error naming where the search began', () => {
    const outside = tempDir('paths');
    const nested = path.join(outside, 'project', 'src');
    fs.mkdirSync(nested, { recursive: true });
    expect(() => findRoot(nested)).toThrow(`no cdk8s.yaml above ${nested}`);
    fs.writeFileSync(path.join(outside, 'project', 'cdk8s.yaml'), 'app: node main.js\n');
    expect(findRoot(nested)).toBe(path.join(outside, 'project'));
  });
});
