/** A mistake in how a command was called; reported as one sentence with exit code 2. */
export class UsageError extends Error {}

/** `--help` or `-h` was given: the command prints `help` on stdout and exits 0, doing nothing else. */
export class HelpRequested extends Error {
  constructor(readonly help: string) {
    // Stryker disable next-line StringLiteral: never shown; execute() prints `help` instead of the message
    super('help requested');
  }
}
