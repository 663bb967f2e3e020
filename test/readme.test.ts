import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from '../src/paths';

const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

describe('README', () => {
  it("shows the example team's preview exactly as `npm run preview` prints it", () => {
    const marker = '<summary><code>npm run -s preview -- user-space/team-a</code></summary>\n\n```yaml\n';
    const start = README.indexOf(marker);
    expect(start).toBeGreaterThan(0);
    const shown = README.slice(start + marker.length, README.indexOf('```\n', start + marker.length));
    const preview = spawnSync('node', ['bin/mini-atlas.js', 'preview', 'user-space/team-a'], { cwd: ROOT, encoding: 'utf8' });
    expect(preview.status).toBe(0);
    expect(shown).toBe(preview.stdout);
  });

  it('shows .github/CODEOWNERS as synth wrote it', () => {
    const marker = 'For the example teams it is:\n\n```\n';
    const start = README.indexOf(marker);
    expect(start).toBeGreaterThan(0);
    const shown = README.slice(start + marker.length, README.indexOf('```\n', start + marker.length));
    expect(shown).toBe(fs.readFileSync(path.join(ROOT, '.github', 'CODEOWNERS'), 'utf8'));
  });

  it('names only npm scripts that exist', () => {
    const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts);
    const used = [...README.matchAll(/npm run (?:-s )?([a-z]+)/g)].map((match) => match[1]);
    expect(used.length).toBeGreaterThan(5);
    for (const script of used) expect(scripts).toContain(script);
  });
});
