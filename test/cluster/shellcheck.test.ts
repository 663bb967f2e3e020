import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ifAvailable } from '../helpers';

const CLUSTER_DIR = path.resolve(__dirname, '..', '..', 'cluster');
const scripts = fs
  .readdirSync(CLUSTER_DIR)
  .filter((file) => file.endsWith('.sh'))
  .map((file) => path.join(CLUSTER_DIR, file));
const hasShellcheck = spawnSync('shellcheck', ['--version'], { stdio: 'ignore' }).status === 0;

// CI installs shellcheck (.ci/run); a developer without it still gets every other test.
ifAvailable(describe, hasShellcheck ? undefined : 'cluster/*.sh not linted: shellcheck is not installed (apt-get install shellcheck)')('cluster scripts', () => {
  it('finds the scripts', () => {
    expect(scripts.map((script) => path.basename(script))).toEqual(expect.arrayContaining(['bootstrap.sh', 'teardown.sh', 'e2e.sh']));
  });

  it.each(scripts.map((script) => [path.basename(script), script]))('%s is clean under shellcheck', (_name, script) => {
    const result = spawnSync('shellcheck', ['--external-sources', script], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
