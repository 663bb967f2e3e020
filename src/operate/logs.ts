/** `mini-atlas logs <team>/<app>`: a WebApplication's pods' logs, each line prefixed by its pod. */
import { Writable } from 'stream';
import { ApiException, Log } from '@kubernetes/client-node';
import { WEB_APPLICATION_COMPONENT, WEB_APPLICATION_CONTAINER } from '../../abstractions/web-application/api';
import { selectorLabels } from '../../abstractions/templates';
import { parseArgs, usageOf } from '../cli/args';
import { parseDuration } from '../status/args';
import { interrupted } from '../cli/interrupted';
import { connect, parseInstanceRef, reportFailure } from './connect';
import { nameOf, podsOf, selectorOf } from './pods';
import { LOGS_COMMAND } from './specs';
import { reasonOf } from './errors';

const LOGS_USAGE = usageOf(LOGS_COMMAND);

/** Exit 0 logs shown, 1 no pods (or none whose log could be read), 2 usage or cluster unusable. */
export async function runLogs(args: string[]): Promise<number> {
  const { values, switches, positionals } = parseArgs(args, LOGS_COMMAND);
  const app = parseInstanceRef(positionals[0], 'application', LOGS_USAGE);
  const since = values.get('--since');
  const options = { follow: switches.has('--follow'), sinceSeconds: since === undefined ? undefined : Math.ceil(parseDuration(since) / 1000) };
  try {
    const { target, api } = connect(values);
    const selector = selectorOf(selectorLabels(app.name, WEB_APPLICATION_COMPONENT));
    const pods = (await podsOf(api, app.team, selector, `WebApplication ${app.name}`)).map(nameOf);
    const log = new Log(target.kubeConfig);
    const stopped = options.follow ? interrupted() : undefined;
    const streams = (await Promise.all(pods.map((pod) => streamPod(log, app.team, pod, options)))).filter((stream) => stream !== undefined);
    if (stopped && streams.length > 0) {
      await stopped;
      for (const stream of streams) stream.abort();
    }
    return streams.length > 0 ? 0 : 1;
  } catch (error) {
    return reportFailure('logs', error);
  }
}

/**
 * Copies one pod's log to stdout, line by line behind `[<pod>] `, until it ends; following, the
 * stream stays open until aborted. Undefined when the API server would not give it (the container
 * has not started).
 */
async function streamPod(log: Log, namespace: string, pod: string, options: { follow: boolean; sinceSeconds?: number }): Promise<AbortController | undefined> {
  const lines = new PrefixedLines(`[${pod}] `);
  const ended = new Promise<void>((resolve) => lines.on('finish', () => resolve()));
  let stream: AbortController;
  try {
    stream = await log.log(namespace, pod, WEB_APPLICATION_CONTAINER, lines, options);
  } catch (error) {
    process.stderr.write(`mini-atlas logs: cannot read the log of pod ${pod} (${error instanceof ApiException ? error.code : reasonOf(error)}): is its container running?\n`);
    return undefined;
  }
  if (!options.follow) await ended;
  return stream;
}

/** Writes whole lines to stdout, each behind a prefix; a last line without a newline is written at the end. */
class PrefixedLines extends Writable {
  private partial = '';

  constructor(private readonly prefix: string) {
    super();
    // client-node pipes the response body in and keeps no handle on it: an aborted or broken
    // stream ends the lines here instead of crashing the process with an unhandled 'error'.
    this.on('pipe', (source: NodeJS.ReadableStream) => source.on('error', () => this.end()));
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const text = this.partial + chunk.toString('utf8');
    const lines = text.split('\n');
    // Stryker disable next-line StringLiteral: split always returns at least one element, so pop() never returns undefined
    this.partial = lines.pop() ?? '';
    // Stryker disable next-line ConditionalExpression,EqualityOperator: writing no lines writes nothing; the condition saves a call
    if (lines.length > 0) process.stdout.write(lines.map((line) => `${this.prefix}${line}\n`).join(''));
    done();
  }

  override _final(done: (error?: Error | null) => void): void {
    if (this.partial !== '') process.stdout.write(`${this.prefix}${this.partial}\n`);
    done();
  }
}
