import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from '../src/paths';

const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

describe('README', () => {
  it("links docs/example-preview.md, which shows the example team's preview exactly as `npm run preview` prints it", () => {
    expect(README).toContain('[docs/example-preview.md](docs/example-preview.md)');
    const page = fs.readFileSync(path.join(ROOT, 'docs', 'example-preview.md'), 'utf8');
    const marker = '```yaml\n';
    const start = page.indexOf(marker);
    expect(start).toBeGreaterThan(0);
    const shown = page.slice(start + marker.length, page.indexOf('```\n', start + marker.length));
    const preview = spawnSync(process.execPath, ['bin/mini-atlas.js', 'preview', 'user-space/team-a'], { cwd: ROOT, encoding: 'utf8' });
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

  it('links the generated abstraction reference', () => {
    expect(README).toContain('[docs/abstractions.md](docs/abstractions.md)');
    expect(fs.readFileSync(path.join(ROOT, 'docs', 'abstractions.md'), 'utf8')).toMatch(/^# Abstraction reference\n/);
  });

  it('starts with the two set-up commands, for Node.js 22 or 24', () => {
    const start = README.indexOf('## Get started');
    expect(start).toBeGreaterThan(0);
    expect(README.slice(start)).toMatch(/^## Get started\n\nOn a clone of the repository, with Node.js 22 or 24[^\n]*\n\n```sh\nnpm ci +#[^\n]*\nnpm test +#[^\n]*\n```/);
    expect(fs.readFileSync(path.join(ROOT, '.nvmrc'), 'utf8')).toBe('24\n');
  });

  it('names only npm scripts that exist', () => {
    const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts);
    const used = [...README.matchAll(/npm run (?:-s )?([a-z]+)/g)].map((match) => match[1]);
    expect(used.length).toBeGreaterThan(5);
    for (const script of used) expect(scripts).toContain(script);
  });
});
