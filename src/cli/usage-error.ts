/** A mistake in how a command was called; reported as one sentence with exit code 2. */
export class UsageError extends Error {}
