import { HelpRequested, UsageError } from './usage-error';

/** A command: its arguments in, its exit code out. */
export type Command = (args: string[]) => number | Promise<number>;

/**
 * Runs `command` with `args` and turns every failure into one sentence on stderr: exit 2 for a
 * usage mistake or an internal error, never a stack trace. A request for help prints it on
 * stdout, exit 0. Resolves with the exit code.
 */
export async function execute(command: Command, args: string[]): Promise<number> {
  try {
    return await command(args);
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(error.help);
      return 0;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(error instanceof UsageError ? `mini-atlas: ${message}\n` : `mini-atlas: internal error: ${message}\n`);
    return 2;
  }
}

/** Runs `command` with the process's arguments (see `execute`) and exits with its code. */
export function runCommand(command: Command): void {
  void execute(command, process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
