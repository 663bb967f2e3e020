import { interrupted } from '../../src/cli/interrupted';
import { execute, runCommand, type Command } from '../../src/cli/run';
import { HelpRequested, UsageError } from '../../src/cli/usage-error';

/** What `run` wrote on stdout and stderr, and what it returned. */
async function captured<T>(run: () => Promise<T>): Promise<{ result: T; stdout: string; stderr: string }> {
  const written = { stdout: '', stderr: '' };
  const spies = (['stdout', 'stderr'] as const).map((name) =>
    jest.spyOn(process[name], 'write').mockImplementation((chunk: string | Uint8Array) => {
      written[name] += chunk.toString();
      return true;
    }),
  );
  try {
    return { result: await run(), ...written };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** A command that throws `error`. */
const throwing =
  (error: unknown): Command =>
  () => {
    throw error;
  };

/** A command whose promise rejects with `error`. */
const rejecting =
  (error: unknown): Command =>
  () =>
    Promise.reject(error);

describe('every command: exit codes and failures', () => {
  it("passes the command's arguments and returns its exit code", async () => {
    const seen: string[][] = [];
    await expect(captured(() => execute((args) => (seen.push(args), 3), ['a', '--b']))).resolves.toEqual({ result: 3, stdout: '', stderr: '' });
    await expect(captured(() => execute(async () => 0, []))).resolves.toEqual({ result: 0, stdout: '', stderr: '' });
    expect(seen).toEqual([['a', '--b']]);
  });

  it('says a usage mistake in one sentence, exit 2', async () => {
    await expect(captured(() => execute(throwing(new UsageError('--team needs a value')), []))).resolves.toEqual({ result: 2, stdout: '', stderr: 'mini-atlas: --team needs a value\n' });
  });

  it('calls anything else an internal error, in one sentence without a stack trace, exit 2', async () => {
    await expect(captured(() => execute(rejecting(new TypeError("cannot read properties of undefined (reading 'spec')")), []))).resolves.toEqual({
      result: 2,
      stdout: '',
      stderr: "mini-atlas: internal error: cannot read properties of undefined (reading 'spec')\n",
    });
    await expect(captured(() => execute(throwing('a string'), []))).resolves.toEqual({ result: 2, stdout: '', stderr: 'mini-atlas: internal error: a string\n' });
  });

  it('prints help on stdout, exit 0', async () => {
    await expect(captured(() => execute(throwing(new HelpRequested('usage: mini-atlas thing\n')), []))).resolves.toEqual({ result: 0, stdout: 'usage: mini-atlas thing\n', stderr: '' });
  });

  it("runs a command with the process's arguments and sets its exit code", async () => {
    const [argv, exitCode] = [process.argv, process.exitCode];
    const seen: string[][] = [];
    try {
      process.argv = ['/usr/bin/node', '/repo/.build/status.js', '--team', 'team-x'];
      await new Promise<void>((resolve) => runCommand((args) => (seen.push(args), resolve(), 4)));
      await new Promise((resolve) => setImmediate(resolve));
      expect({ seen, exitCode: process.exitCode }).toEqual({ seen: [['--team', 'team-x']], exitCode: 4 });
    } finally {
      [process.argv, process.exitCode] = [argv, exitCode];
    }
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('ends a command that runs until stopped at %s', async (signal) => {
    const before = new Map((['SIGINT', 'SIGTERM'] as const).map((name) => [name, new Set(process.rawListeners(name))]));
    let ended = false;
    const stopped = interrupted().then(() => (ended = true));
    const added = (name: 'SIGINT' | 'SIGTERM') => process.rawListeners(name).filter((listener) => !before.get(name)!.has(listener));
    expect([added('SIGINT').length, added('SIGTERM').length]).toEqual([1, 1]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(ended).toBe(false);
    for (const listener of added(signal)) (listener as (name: string) => void)(signal);
    await stopped;
    expect(ended).toBe(true);
    for (const name of ['SIGINT', 'SIGTERM'] as const) for (const listener of added(name)) process.removeListener(name, listener as () => void);
  });
});
