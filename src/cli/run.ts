import { HelpRequested, UsageError } from './usage-error';

/** A command: its arguments in, its exit code out. */
export type Command = (args: string[]) => number | Promise<number>;

/**
 * Runs `command` with the process's arguments and turns every failure into one sentence on
 * stderr: exit 2 for a usage mistake or an internal error, never a stack trace. A request for
 * help prints it on stdout, exit 0.
 */
export function runCommand(command: Command): void {
  Promise.resolve()
    .then(() => command(process.argv.slice(2)))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        if (error instanceof HelpRequested) {
          process.stdout.write(error.help);
          process.exitCode = 0;
          return;
        }
        const message = error instanceof Error ? error.message : String(error);
        process.stderr.write(error instanceof UsageError ? `mini-atlas: ${message}\n` : `mini-atlas: internal error: ${message}\n`);
        process.exitCode = 2;
      },
    );
}
