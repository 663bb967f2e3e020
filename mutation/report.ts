/**
 * Stryker's JSON report (the mutation-testing-report-schema), as far as `npm run mutate` reads it:
 * the score per folder.
 */

/** A mutant's status, as the report schema names it. */
export type MutantStatus = 'Killed' | 'Survived' | 'NoCoverage' | 'Timeout' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';

/** The part of the report this reads: each mutated file's mutants and their outcome. */
export interface MutationReport {
  readonly files: Readonly<Record<string, { readonly mutants: readonly { readonly status: MutantStatus }[] }>>;
}

type MutantResult = MutationReport['files'][string]['mutants'][number];

/** Mutants of one folder (or of everything, as `all files`) by outcome, and their score. */
export interface FolderScore {
  readonly folder: string;
  /** Killed or timed out: a test noticed. */
  readonly detected: number;
  /** Survived or not covered by any test. */
  readonly undetected: number;
  readonly survived: number;
  readonly noCoverage: number;
  /** Did not compile, or were ignored by a disable comment: not part of the score. */
  readonly excluded: number;
  /** detected / (detected + undetected), in percent; undefined when no mutant counts. */
  readonly score: number | undefined;
}

const DETECTED: ReadonlySet<MutantStatus> = new Set(['Killed', 'Timeout']);

/**
 * Scores of every folder down to `depth` levels (`src`, `src/synth`), in tree order, then of all
 * files. Scored as Stryker scores: a mutant that does not compile or is disabled does not count.
 */
export function folderScores(report: MutationReport, depth = 2): FolderScore[] {
  const byFolder = new Map<string, MutantResult[]>();
  const all: MutantResult[] = [];
  for (const [file, { mutants }] of Object.entries(report.files)) {
    all.push(...mutants);
    const parts = file.split('/').slice(0, -1);
    for (let level = 1; level <= Math.min(depth, parts.length); level++) {
      const folder = parts.slice(0, level).join('/');
      byFolder.set(folder, [...(byFolder.get(folder) ?? []), ...mutants]);
    }
  }
  const folders = [...byFolder.keys()].sort();
  return [...folders.map((folder) => score(folder, byFolder.get(folder)!)), score('all files', all)];
}

function score(folder: string, mutants: readonly MutantResult[]): FolderScore {
  const count = (...statuses: MutantStatus[]) => mutants.filter((mutant) => statuses.includes(mutant.status)).length;
  const detected = mutants.filter((mutant) => DETECTED.has(mutant.status)).length;
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  const undetected = survived + noCoverage;
  return {
    folder,
    detected,
    undetected,
    survived,
    noCoverage,
    excluded: mutants.length - detected - undetected,
    score: detected + undetected ? (100 * detected) / (detected + undetected) : undefined,
  };
}

/** A table of `scores`, sub-folders indented under their folder. */
export function renderScores(scores: readonly FolderScore[]): string {
  const label = (folder: string) => (folder === 'all files' ? folder : `${'  '.repeat(folder.split('/').length - 1)}${folder}`);
  const width = Math.max('folder'.length, ...scores.map((row) => label(row.folder).length));
  const columns = ['score', 'killed', 'survived', 'no cover', 'excluded'];
  // `100.0%` is wider than its heading.
  const cell = (text: string, index: number) => text.padStart(Math.max(columns[index].length, '100.0%'.length));
  const lines = [`${'folder'.padEnd(width)}  ${columns.map(cell).join('  ')}`];
  for (const row of scores) {
    const values = [row.score === undefined ? 'n/a' : `${row.score.toFixed(1)}%`, String(row.detected), String(row.survived), String(row.noCoverage), String(row.excluded)];
    lines.push(`${label(row.folder).padEnd(width)}  ${values.map(cell).join('  ')}`);
  }
  return `${lines.join('\n')}\n`;
}
