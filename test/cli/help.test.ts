import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CAPACITY_COMMAND } from '../../bench/capacity';
import { BENCH_COMMAND } from '../../bench/run';
import { helpText, parseArgs, usageOf, type CommandSpec } from '../../src/cli/args';
import { HelpRequested, UsageError } from '../../src/cli/usage-error';
import { IMPORT_COMMAND } from '../../src/import/command';
import { MUTATE_COMMAND } from '../../mutation/run';
import { NEW_COMMAND } from '../../src/new/command';
import { DASHBOARD_COMMAND, KUBECONFIG_COMMAND, LOGS_COMMAND } from '../../src/operate/specs';
import { ROOT } from '../../src/paths';
import { PREVIEW_COMMAND } from '../../src/preview/command';
import { STATUS_COMMAND } from '../../src/status/args';
import { SYNTH_COMMAND } from '../../src/synth/command';
import { VALIDATE_COMMAND } from '../../src/user-space/command';

/** Every command's spec, by the name `mini-atlas <command>` runs it under. */
const SPECS: Record<string, CommandSpec> = {
  bench: BENCH_COMMAND,
  capacity: CAPACITY_COMMAND,
  dashboard: DASHBOARD_COMMAND,
  import: IMPORT_COMMAND,
  kubeconfig: KUBECONFIG_COMMAND,
  logs: LOGS_COMMAND,
  mutate: MUTATE_COMMAND,
  new: NEW_COMMAND,
  preview: PREVIEW_COMMAND,
  status: STATUS_COMMAND,
  synth: SYNTH_COMMAND,
  validate: VALIDATE_COMMAND,
};

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['bin/mini-atlas.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('every command', () => {
  it('is described here (a command added later must be too)', () => {
    const commands = fs.readdirSync(path.join(ROOT, 'src', 'cli', 'commands')).map((file) => file.replace(/\.ts$/, ''));
    expect(Object.keys(SPECS).sort()).toEqual(commands.sort());
    for (const [name, spec] of Object.entries(SPECS)) expect(spec.name).toBe(name);
  });

  describe.each(Object.entries(SPECS))('%s', (name, spec) => {
    it('prints its usage, options with their defaults and examples on stdout for --help and -h, exit 0', () => {
      for (const flag of ['--help', '-h']) {
        const result = cli(name, flag);
        expect(result).toEqual({ status: 0, stdout: helpText(spec), stderr: '' });
      }
      const help = helpText(spec);
      expect(help.startsWith(`usage: mini-atlas ${name}`)).toBe(true);
      for (const line of help.split('\n').slice(1)) expect(line.length).toBeLessThanOrEqual(100);
      const prose = help.replace(/\s+/g, ' ');
      for (const option of spec.options) {
        expect(help).toMatch(new RegExp(`^  ${option.flag}\\b`, 'm'));
        expect(prose).toContain(option.description);
        if (option.default !== undefined) expect(prose).toContain(`Default: ${option.default}.`);
      }
      // Each piece of the help says something: a sentence, a flag, a placeholder.
      expect(spec.summary).toMatch(/^[A-Z`][\s\S]*[.)]$/);
      if (spec.positionals !== undefined) expect(spec.positionals).toMatch(/^\[?<[a-z-]+>/);
      for (const option of spec.options) {
        expect(option.flag).toMatch(/^--[a-z][a-z-]+$/);
        if (option.value !== undefined) expect(option.value).toMatch(/^<[^<>\s]+>$/);
        expect(option.description).toMatch(/^[A-Za-z`][\s\S]*[.)]$/);
        if (option.default !== undefined) expect(option.default).toMatch(/\S/);
      }
      expect(spec.examples.length).toBeGreaterThan(0);
      for (const example of spec.examples) expect(example).toMatch(new RegExp(`^npm run ${name}\\b`));
    });

    it('refuses an unknown flag with exit 2 and the usage on stderr', () => {
      expect(cli(name, '--frobnicate')).toEqual({ status: 2, stdout: '', stderr: `mini-atlas: unknown argument "--frobnicate"; ${usageOf(spec)}\n` });
    });
  });

  it('lists the commands for mini-atlas --help, and on stderr with exit 2 for an unknown one', () => {
    const help = cli('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain(`commands: ${Object.keys(SPECS).sort().join(', ')}\n`);
    const unknown = cli('frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe(`mini-atlas: unknown command "frobnicate"\n${help.stdout}`);
  });
});

describe('parseArgs', () => {
  const spec: CommandSpec = {
    name: 'demo',
    summary: 'Demonstrates.',
    positionals: '<thing>',
    maxPositionals: 1,
    options: [
      { flag: '--mode', value: '<a|b>', choices: ['a', 'b'], description: 'How.', default: 'a' },
      { flag: '--loud', description: 'Louder.' },
    ],
    examples: ['npm run demo -- x'],
  };

  it('reads values, switches and positionals', () => {
    expect(parseArgs(['x', '--mode=b', '--loud'], spec)).toEqual({ values: new Map([['--mode', 'b']]), switches: new Set(['--loud']), positionals: ['x'] });
  });

  it('answers help before anything else on the line, even after a mistake', () => {
    expect(() => parseArgs(['--bogus', '-h'], spec)).toThrow(HelpRequested);
    expect(helpText(spec)).toBe(
      [
        'usage: mini-atlas demo <thing> [--mode <a|b>] [--loud]',
        '',
        'Demonstrates.',
        '',
        'Options:',
        '  --mode <a|b>  How. Default: a.',
        '  --loud        Louder.',
        '  -h, --help    Show this help and exit.',
        '',
        'Examples:',
        '  npm run demo -- x',
        '',
      ].join('\n'),
    );
  });

  it("takes '-' as a positional, and a value that starts with '--' only after '='", () => {
    const named: CommandSpec = { name: 'demo', summary: 'Demonstrates.', maxPositionals: 1, options: [{ flag: '--name', value: '<n>', description: 'Name.' }, { flag: '--loud', description: 'Louder.' }], examples: ['npm run demo'] };
    expect(parseArgs(['-'], named).positionals).toEqual(['-']);
    expect(parseArgs(['--name=--x'], named).values.get('--name')).toBe('--x');
    expect(parseArgs(['--name', 'x--'], named).values.get('--name')).toBe('x--');
    const usage = 'usage: mini-atlas demo [--name <n>] [--loud]';
    expect(() => parseArgs(['--name', '--loud'], named)).toThrow(new UsageError(`--name needs a value; ${usage}`));
    expect(() => parseArgs(['--name='], named)).toThrow(new UsageError(`--name needs a value; ${usage}`));
    expect(() => parseArgs(['--loud=yes'], named)).toThrow(new UsageError(`unknown argument "--loud=yes"; ${usage}`));
  });

  it('wraps the help at 80 columns between words, continuation lines under the descriptions', () => {
    const long: CommandSpec = {
      name: 'demo',
      summary: `${'x'.repeat(39)} ${'y'.repeat(40)} ${'z'.repeat(40)} ${'w'.repeat(40)}`,
      options: [{ flag: '--mode', value: '<m>', description: `${'a'.repeat(50)} ${'b'.repeat(30)}.` }],
      examples: ['npm run demo'],
    };
    expect(helpText(long).split('\n').slice(0, 12)).toEqual([
      'usage: mini-atlas demo [--mode <m>]',
      '',
      `${'x'.repeat(39)} ${'y'.repeat(40)}`,
      'z'.repeat(40),
      'w'.repeat(40),
      '',
      'Options:',
      `  --mode <m>  ${'a'.repeat(50)}`,
      `              ${'b'.repeat(30)}.`,
      '  -h, --help  Show this help and exit.',
      '',
      'Examples:',
    ]);
  });

  it('refuses short flags it does not know, values outside the choices, and missing values', () => {
    expect(() => parseArgs(['-x'], spec)).toThrow(new UsageError('unknown argument "-x"; usage: mini-atlas demo <thing> [--mode <a|b>] [--loud]'));
    expect(() => parseArgs(['--mode', 'c'], spec)).toThrow(new UsageError('--mode must be one of a, b, not "c"; usage: mini-atlas demo <thing> [--mode <a|b>] [--loud]'));
    expect(() => parseArgs(['--mode'], spec)).toThrow(new UsageError('--mode needs a value; usage: mini-atlas demo <thing> [--mode <a|b>] [--loud]'));
    expect(() => parseArgs(['x', 'y'], spec)).toThrow(new UsageError('unexpected argument "y"; usage: mini-atlas demo <thing> [--mode <a|b>] [--loud]'));
  });
});
