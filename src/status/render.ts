/** Turns a report into what a person reads (a table) or a program parses (JSON). Pure. */
import { StatusReport, StatusRow, notReadyNames, readyCounts } from './evaluate';

/** How to draw the table. */
export interface RenderOptions {
  /** ANSI colours; only for a TTY with NO_COLOR unset. */
  readonly color: boolean;
}

const GREEN = '\x1b[32m';
const RED = '\x1b[31m';
const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';

/** The report as one JSON document, with a trailing newline. */
export function renderJson(report: StatusReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The report as titled tables and a closing summary line. */
export function renderTable(report: StatusReport, options: RenderOptions): string {
  const paint = (code: string, text: string) => (options.color ? `${code}${text}${RESET}` : text);
  const sections = [
    `Cluster ${report.server} (context ${report.context})`,
    section(paint(BOLD, 'Flux'), report.flux, true, paint, 'no Kustomizations or HelmReleases'),
    section(paint(BOLD, 'Abstractions (kro ResourceGraphDefinitions)'), report.abstractions, false, paint, 'no ResourceGraphDefinitions'),
    ...report.teams.map((team) => section(paint(BOLD, `Team ${team.name}`) + namespacesNote(team.namespaces), team.instances, true, paint, 'no instances')),
  ];
  return `${sections.join('\n\n')}\n\n${summary(report, paint)}\n`;
}

/** One line: how many objects are ready and which are not. */
export function summaryLine(report: StatusReport): string {
  const { ready, total } = readyCounts(report);
  const missing = notReadyNames(report);
  return missing.length === 0 ? `all ${total} ready` : `${ready}/${total} ready; not ready: ${missing.join(', ')}`;
}

function summary(report: StatusReport, paint: (code: string, text: string) => string): string {
  return report.ready ? paint(GREEN, summaryLine(report)) : paint(RED, summaryLine(report));
}

function namespacesNote(namespaces: readonly string[]): string {
  return namespaces.length > 0 ? ` (namespace${namespaces.length > 1 ? 's' : ''} ${namespaces.join(', ')})` : '';
}

function section(title: string, rows: readonly StatusRow[], withNamespace: boolean, paint: (code: string, text: string) => string, empty: string): string {
  if (rows.length === 0) return `${title}\n  ${empty}`;
  const header = ['KIND', ...(withNamespace ? ['NAMESPACE'] : []), 'NAME', 'READY', 'STATE', 'REASON', 'MESSAGE'];
  const cells = rows.map((row) => [row.kind, ...(withNamespace ? [row.namespace ?? '-'] : []), row.name, row.ready ? 'yes' : 'no', row.state, row.reason ?? '', oneLine(row.message ?? '')]);
  const readyColumn = header.indexOf('READY');
  const widths = header.map((heading, column) => Math.max(heading.length, ...cells.map((line) => line[column].length)));
  const format = (line: readonly string[], colourOf?: (column: number) => string | undefined) =>
    line
      .map((cell, column) => {
        // Pad before colouring: escape codes have no width on screen. The last column's padding is trimmed off the line.
        const padded = cell.padEnd(widths[column]);
        const code = colourOf?.(column);
        return code ? paint(code, padded) : padded;
      })
      .join('  ')
      .trimEnd();
  const body = cells.map((line, index) => format(line, (column) => (column === readyColumn ? (rows[index].ready ? GREEN : RED) : undefined)));
  return [title, ...[format(header), ...body].map((line) => `  ${line}`)].join('\n');
}

/** Controllers' messages may span lines (Helm's errors do); a table row may not. */
function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
