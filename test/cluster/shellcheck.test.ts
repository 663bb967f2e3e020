import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ifAvailable } from '../helpers';

const ROOT = path.resolve(__dirname, '..', '..');
/** The cluster scripts, the CI scripts of the workflows, and .ci/run. */
const scripts = [path.join(ROOT, 'cluster'), path.join(ROOT, '.github', 'scripts')]
  .flatMap((dir) => fs.readdirSync(dir).filter((file) => file.endsWith('.sh')).map((file) => path.join(dir, file)))
  .concat(path.join(ROOT, '.ci', 'run'));
const hasShellcheck = spawnSync('shellcheck', ['--version'], { stdio: 'ignore' }).status === 0;

// CI installs shellcheck (.ci/run); a developer without it still gets every other test.
ifAvailable(describe, hasShellcheck ? undefined : 'shell scripts not linted: shellcheck is not installed (apt-get install shellcheck)')('cluster scripts', () => {
  it('finds the scripts', () => {
    expect(scripts.map((script) => path.basename(script))).toEqual(expect.arrayContaining(['bootstrap.sh', 'teardown.sh', 'e2e.sh', 'preview-changed-teams.sh', 'run']));
  });

  it.each(scripts.map((script) => [path.basename(script), script]))('%s is clean under shellcheck', (_name, script) => {
    const result = spawnSync('shellcheck', ['--external-sources', script], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
