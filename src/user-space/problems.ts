import { SourceLocation } from './model';

/** Something wrong (or worth a second look) in a team's files. */
export interface Problem {
  readonly severity: 'error' | 'warning';
  readonly location: SourceLocation;
  /** What is wrong, naming the field path, and what to do about it. */
  readonly message: string;
}

/** `<file>:<line>:<col>: error: <message>`, the form editors and CI annotate. */
export function formatProblem({ severity, location, message }: Problem): string {
  return `${location.file}:${location.line}:${location.col}: ${severity}: ${message}`;
}

/** `file:line:col`, to point at a second place from a message. */
export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.col}`;
}

/** Problems in file order, each reported once (an error in a base file shows up once, not per cluster). */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  const unique = new Map<string, Problem>();
  for (const problem of problems) unique.set(formatProblem(problem), problem);
  return [...unique.values()].sort(
    (a, b) => a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line || a.location.col - b.location.col || a.message.localeCompare(b.message),
  );
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((problem) => problem.severity === 'error');
}
