import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Where a text is in the spool: its UTF-8 bytes' offset and length. */
export interface SpoolEntry {
  readonly start: number;
  readonly length: number;
}

/** Bytes put before they are written to the spool's file. */
export const SPOOL_BATCH = 1 << 20;

/**
 * Texts written to a temporary file as they are made and read back when needed: the parts a
 * large synth renders for thousands of teams, which would otherwise all be in memory until the
 * files of dist/ are put together (about 10 kB a team, two thirds of it in the files all teams
 * share). Sequential writes and reads of the spool cost a few percent of a synth; the memory
 * they save is most of what it holds.
 *
 * A spool has one writer: the thread that made it, or the one render thread it was handed to
 * (see `join`), whose parts the making thread then reads. Texts put are written in batches of
 * SPOOL_BATCH bytes: one write per part cost a system call for each of the 120,000 parts of a
 * synth of 10,000 teams (0.4 s).
 */
export class Spool {
  private readonly fd: number;
  /** Texts put but not written yet, which start at `written`. */
  private batch: Buffer[] = [];
  private written = 0;
  private end = 0;

  /** A new spool, in a folder of its own under `parent`, removed by `close`. @param parent @default the system's temporary directory */
  static create(parent = os.tmpdir()): Spool {
    const folder = fs.mkdtempSync(path.join(parent, 'mini-atlas-spool-'));
    return new Spool(path.join(folder, 'parts'), folder);
  }

  /** The spool another thread made (its `file`), for this thread to put texts into; its maker reads them once this thread closed it, and removes it. */
  static join(file: string): Spool {
    return new Spool(file);
  }

  /** @param folder the spool's own folder, when this thread made it (and removes it) */
  private constructor(
    /** The file the texts are written to. */
    readonly file: string,
    private readonly folder?: string,
  ) {
    this.fd = fs.openSync(file, folder ? 'w+' : 'r+');
  }

  /** Puts `bytes` (a text's UTF-8) and returns where they are. */
  put(bytes: Buffer): SpoolEntry {
    const entry = { start: this.end, length: bytes.length };
    this.batch.push(bytes);
    this.end += entry.length;
    if (this.end - this.written >= SPOOL_BATCH) this.write();
    return entry;
  }

  /** The UTF-8 bytes of the text put at `entry`. */
  read({ start, length }: SpoolEntry): Buffer {
    if (start + length > this.written) this.write();
    const bytes = Buffer.allocUnsafe(length);
    fs.readSync(this.fd, bytes, 0, length, start);
    return bytes;
  }

  /** Closes the spool once every text put is written (a joined one's, for its maker to read); the maker's is removed, and what was put can no longer be read. */
  close(): void {
    this.write();
    fs.closeSync(this.fd);
    // Stryker disable next-line BooleanLiteral: the folder is there until this removes it; force is for a system cleaner that came first
    if (this.folder) fs.rmSync(this.folder, { recursive: true, force: true });
  }

  /** Writes the texts put since the last write. */
  private write(): void {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: writing no bytes changes nothing; it would cost a system call on each read of another thread's spool, which this thread never puts into
    if (this.batch.length === 0) return;
    const bytes = Buffer.concat(this.batch);
    fs.writeSync(this.fd, bytes, 0, bytes.length, this.written);
    this.written += bytes.length;
    this.batch = [];
  }
}
