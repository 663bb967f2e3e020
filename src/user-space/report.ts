/** How commands print the problems of team files: for people, for GitHub Actions, for programs. */
import { formatProblem, type Problem } from './problems';

export const PROBLEM_FORMATS = ['text', 'github', 'json'] as const;
export type ProblemFormat = (typeof PROBLEM_FORMATS)[number];

/** Prints `problems` in `format`: text on stderr, one per line; github and json on stdout. */
export function printProblems(problems: readonly Problem[], format: ProblemFormat, summary: { readonly teams: number }): void {
  if (format === 'text') report(problems);
  else if (format === 'github') process.stdout.write(problems.map((problem) => `${githubAnnotation(problem)}\n`).join(''));
  else process.stdout.write(`${JSON.stringify(jsonReport(problems, summary.teams), null, 2)}\n`);
}

/** Prints problems to stderr, one per line. */
export function report(problems: readonly Problem[]): void {
  for (const problem of problems) process.stderr.write(`${formatProblem(problem)}\n`);
}

/**
 * A GitHub Actions workflow command that annotates the problem's line in the pull request:
 * `::error file=<path>,line=<n>,col=<n>::<message>`. Paths are relative to the repository root,
 * the runner's working directory. Values are escaped as the runner's command parser expects.
 */
export function githubAnnotation({ severity, location, message }: Problem): string {
  const properties = [`file=${escapeProperty(location.file)}`, `line=${location.line}`, `col=${location.col}`].join(',');
  return `::${severity} ${properties}::${escapeData(message)}`;
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** What `validate --format json` prints. */
export interface JsonReport {
  readonly teams: number;
  readonly errors: number;
  readonly warnings: number;
  readonly problems: readonly { readonly severity: Problem['severity']; readonly file: string; readonly line: number; readonly col: number; readonly message: string }[];
}

function jsonReport(problems: readonly Problem[], teams: number): JsonReport {
  const errors = problems.filter((problem) => problem.severity === 'error').length;
  return {
    teams,
    errors,
    warnings: problems.length - errors,
    problems: problems.map(({ severity, location, message }) => ({ severity, file: location.file, line: location.line, col: location.col, message })),
  };
}
