/** The `--port` flag of the commands that forward a port. */
import { UsageError } from '../cli/usage-error';

/** `--port <n>` (0: any free port), else `fallback`. */
export function localPortOf(values: ReadonlyMap<string, string>, fallback: number, usage: string): number {
  const text = values.get('--port');
  if (text === undefined) return fallback;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`--port must be a port number from 0 (any free port) to 65535, not "${text}"; ${usage}`);
  return port;
}
