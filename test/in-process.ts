/**
 * Runs the CLI's commands in the test's own process, as `bin/mini-atlas.js` runs each in its own:
 * the same exit code and output, without starting Node.js and, unlike a child process, seen by
 * Stryker as covered by the test that runs it.
 */
import { AsyncLocalStorage } from 'async_hooks';
import { execute, type Command } from '../src/cli/run';

const COMMANDS = {
  validate: async (): Promise<Command> => (await import('../src/user-space/command')).runValidate,
  synth: async (): Promise<Command> => (await import('../src/synth/command')).runSynth,
  preview: async (): Promise<Command> => (await import('../src/preview/command')).runPreview,
  new: async (): Promise<Command> => (await import('../src/new/command')).runNew,
  import: async (): Promise<Command> => (await import('../src/import/command')).runImport,
  status: async (): Promise<Command> => (await import('../src/status/command')).runStatus,
  logs: async (): Promise<Command> => (await import('../src/operate/logs')).runLogs,
  kubeconfig: async (): Promise<Command> => (await import('../src/operate/kubeconfig')).runKubeconfig,
  dashboard: async (): Promise<Command> => (await import('../src/operate/dashboard')).runDashboard,
};

export type CommandName = keyof typeof COMMANDS;

/** What a command printed, so far or in all. */
export interface Output {
  stdout: string;
  stderr: string;
}

/** A command started in this process. */
export interface StartedCommand {
  /** What it has printed so far. */
  readonly output: Output;
  /** Resolves with its exit code when it ends. */
  readonly ended: Promise<number>;
  /** Calls `listener` after every write. */
  onWrite(listener: () => void): void;
  /** Ctrl-C: runs the SIGINT handlers the command registered (and only those), as the signal would. */
  interrupt(): void;
}

/** A running command's output, whether it plays a terminal, and who waits for it. */
interface Capture {
  readonly output: Output;
  readonly terminal: boolean;
  readonly written: (() => void)[];
}

/**
 * Each running command's output, found through the asynchronous context its writes happen in.
 * One for the whole process, kept on stdout: Jest gives each test file its own modules but the
 * same stdout and stderr, which are patched once.
 */
const outputs: AsyncLocalStorage<Capture> = ((process.stdout as unknown as Record<symbol, AsyncLocalStorage<Capture>>)[Symbol.for('mini-atlas.outputs')] ??= new AsyncLocalStorage<Capture>());

/**
 * Routes stdout and stderr writes made inside a command to its output; others pass through.
 * Inside a command, the streams are a terminal (`isTTY`) only when the run says so.
 */
function captureStreams(): void {
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name];
    if ((stream.write as { captured?: boolean }).captured) continue;
    const isTTY = stream.isTTY;
    Object.defineProperty(stream, 'isTTY', { configurable: true, get: () => outputs.getStore()?.terminal ?? isTTY });
    const write = stream.write.bind(stream);
    const captured = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const store = outputs.getStore();
      if (!store) return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
      store.output[name] += chunk.toString();
      for (const listener of store.written) listener();
      // A stream piped into stdout waits for this callback before it writes again.
      const callback = rest.find((argument) => typeof argument === 'function') as (() => void) | undefined;
      if (callback) process.nextTick(callback);
      return true;
    }) as typeof stream.write;
    Object.assign(captured, { captured: true });
    stream.write = captured;
  }
}

/**
 * Starts `name` with `args` and `env` set in process.env (restored when it ends), its output a
 * terminal when `terminal` is. process.env is the process's: two runs at once with different
 * `env` would see each other's, so tests that set one run one command at a time.
 */
export function startInProcess(name: CommandName, args: readonly string[], env: Record<string, string | undefined> = {}, terminal = false): StartedCommand {
  captureStreams();
  const store: Capture = { output: { stdout: '', stderr: '' }, terminal, written: [] };
  const before = new Set(process.rawListeners('SIGINT'));
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  setEnv(env);
  const ended = outputs.run(store, async () => {
    try {
      return await execute(await COMMANDS[name](), [...args]);
    } finally {
      setEnv(saved);
    }
  });
  return {
    output: store.output,
    ended,
    onWrite: (listener) => store.written.push(listener),
    interrupt: () => {
      for (const listener of process.rawListeners('SIGINT').filter((candidate) => !before.has(candidate))) (listener as (signal: string) => void)('SIGINT');
    },
  };
}

function setEnv(env: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

/** Runs `name` with `args` in this process until it ends: its exit code and everything it printed. */
export async function runInProcess(name: CommandName, ...args: string[]): Promise<{ status: number } & Output> {
  const started = startInProcess(name, args);
  const status = await started.ended;
  return { status, ...started.output };
}
