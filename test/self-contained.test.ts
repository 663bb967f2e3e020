import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from '../src/paths';
import { ifAvailable, NOT_A_CHECKOUT, tempDir } from './helpers';

/**
 * A user clones the repository alone: nothing beside it. A copy of every file Git would commit
 * (node_modules linked, as `npm ci` would install it) must preview every team with every object
 * schema-checked, reading nothing outside itself.
 */
ifAvailable(describe, NOT_A_CHECKOUT)('a copy of the repository with nothing beside it', () => {
  const clone = path.join(tempDir('clone'), 'mini-atlas');
  beforeAll(() => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const file of files) {
      if (!fs.existsSync(path.join(ROOT, file))) continue; // deleted, not yet committed
      fs.mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, file), path.join(clone, file));
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  });

  it('has no folder beside it', () => {
    expect(fs.readdirSync(path.dirname(clone))).toEqual(['mini-atlas']);
  });

  it.each(['dev', 'prd'])('previews every team on %s with every object checked against its schema', (cluster) => {
    const teams = fs.readdirSync(path.join(clone, 'user-space')).map((team) => path.join('user-space', team));
    const result = spawnSync(process.execPath, ['bin/mini-atlas.js', 'preview', ...teams, '--cluster', cluster], { cwd: clone, encoding: 'utf8', timeout: 60_000 });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.not.stringMatching(/not checked|error/) as unknown as string });
    expect(result.stdout.match(/^kind: /gm)?.length).toBeGreaterThan(10);
  });
});
