import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogBatch } from '../store/store.js';
import { parseAuditRecord } from './record.js';

/** A segment this big is closed and the next append starts a new one: delivery reads small files. */
const SEGMENT_MAX_BYTES = 4 * 1024 * 1024;
const SEGMENT_NAME = /^seg-[0-9a-z-]+\.jsonl$/;

export interface SpoolOptions {
  /** AUDIT_SPOOL_DIR: one per instance (two live processes must not share it); created if missing. */
  dir: string;
  /** AUDIT_SPOOL_MAX_BYTES: past it, appends are refused (and the request gets 503). */
  maxBytes: number;
}

export interface SpoolSegment {
  name: string;
  records: number;
  bytes: number;
  oldestAtMs: number | undefined;
}

export interface Spool {
  /** Appends a batch (its number and its records); resolves once it is fsync'd. */
  append(batch: LogBatch): Promise<void>;
  /**
   * The segments no append goes to any more, oldest first. With `closeActive`, the segment being
   * appended to is closed first (the next append starts a new one), so it is among them.
   */
  closedSegments(options: { closeActive: boolean }): Promise<SpoolSegment[]>;
  /**
   * The batches of a closed segment, in order; a line torn by a crash mid-append is skipped and
   * counted. Records with no batch line before them (a spool of an earlier version) are each a
   * batch of their own, numbered by their place in the segment.
   */
  read(segment: SpoolSegment): Promise<{ batches: LogBatch[]; records: number; skipped: number }>;
  /** Deletes a segment once every record of it is acknowledged by the stream. */
  remove(segment: SpoolSegment): Promise<void>;
  /** Records in the spool (known after the first operation, which reads the directory). */
  readonly depth: number;
  readonly oldestAtMs: number | undefined;
  close(): Promise<void>;
}

export class SpoolFullError extends Error {
  constructor(maxBytes: number) {
    super(`the audit spool is full (AUDIT_SPOOL_MAX_BYTES=${maxBytes})`);
    this.name = 'SpoolFullError';
  }
}

interface ActiveSegment {
  info: SpoolSegment;
  handle: FileHandle;
}

/** A batch line: `{"writer":"…","seq":n}`, followed by the batch's records, one per line. */
interface BatchLine {
  writer: string;
  seq: number;
}

function batchLine(line: string): BatchLine | undefined {
  if (!line.startsWith('{"writer":')) return undefined;
  try {
    const value = JSON.parse(line) as Partial<BatchLine>;
    return typeof value.writer === 'string' &&
      typeof value.seq === 'number' &&
      Number.isSafeInteger(value.seq)
      ? { writer: value.writer, seq: value.seq }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Append-only JSON-lines segment files: each batch is a batch line and then its records. Every
 * append is fsync'd before it resolves, so a record the caller was told is durable survives a
 * crash. Segments are deleted whole, only after the stream acknowledged all of their records; a
 * crash in between re-delivers, and the stream lands each batch once (store.redeliverLog).
 * Appends come one batch at a time from the trail's group commit.
 */
export function createSpool(options: SpoolOptions): Spool {
  const { dir, maxBytes } = options;
  const segments = new Map<string, SpoolSegment>();
  let active: ActiveSegment | undefined;
  let initialised = false;
  let sequence = 0;
  // File operations run one at a time: an append never races a rotation or a removal.
  let chain: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(task: () => Promise<T>): Promise<T> => {
    const result = chain.then(task);
    chain = result.catch(() => undefined);
    return result;
  };

  async function init(): Promise<void> {
    if (initialised) return;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    for (const name of (await readdir(dir)).filter((n) => SEGMENT_NAME.test(n)).sort()) {
      segments.set(name, await scan(name));
    }
    initialised = true;
  }

  async function scan(name: string): Promise<SpoolSegment> {
    const path = join(dir, name);
    const [content, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    const segment: SpoolSegment = { name, records: 0, bytes: info.size, oldestAtMs: undefined };
    note(
      segment,
      content.split('\n').filter((line) => line !== '' && batchLine(line) === undefined),
    );
    return segment;
  }

  /** Counts the records (as stored) and their oldest time; the spool is the rare path, so zod may read them. */
  function note(segment: SpoolSegment, lines: readonly string[]): void {
    for (const line of lines) {
      const record = parseAuditRecord(line);
      if (record === undefined) continue;
      segment.records += 1;
      const at = Date.parse(record.at);
      if (segment.oldestAtMs === undefined || at < segment.oldestAtMs) segment.oldestAtMs = at;
    }
  }

  async function openSegment(): Promise<ActiveSegment> {
    sequence += 1;
    const stamp = Date.now().toString().padStart(15, '0');
    const name = `seg-${stamp}-${process.pid}-${sequence}-${randomBytes(3).toString('hex')}.jsonl`;
    const handle = await open(join(dir, name), 'a', 0o600);
    await syncDirectory();
    const info: SpoolSegment = { name, records: 0, bytes: 0, oldestAtMs: undefined };
    segments.set(name, info);
    return { info, handle };
  }

  /** Makes a new file's directory entry durable too, not only its content. */
  async function syncDirectory(): Promise<void> {
    try {
      const handle = await open(dir, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch {
      // Not every platform can fsync a directory; the file's own fsync still holds its data.
    }
  }

  async function closeActive(): Promise<void> {
    const current = active;
    active = undefined;
    if (current === undefined) return;
    if (current.info.records === 0) segments.delete(current.info.name);
    await current.handle.close();
    if (current.info.records === 0) await unlinkQuietly(join(dir, current.info.name));
  }

  async function append(batch: LogBatch): Promise<void> {
    await init();
    const header: BatchLine = { writer: batch.writer, seq: batch.seq };
    const lines = `${JSON.stringify(header)}\n${batch.entries.map((e) => `${e}\n`).join('')}`;
    const bytes = Buffer.byteLength(lines);
    if (totalBytes() + bytes > maxBytes) throw new SpoolFullError(maxBytes);
    active ??= await openSegment();
    const segment = active;
    try {
      await segment.handle.appendFile(lines);
      await segment.handle.datasync();
    } catch (error) {
      // Take back a partial write, so a record whose caller was told "failed" is never delivered.
      await segment.handle.truncate(segment.info.bytes).catch(() => undefined);
      await closeActive().catch(() => undefined);
      throw error;
    }
    segment.info.bytes += bytes;
    note(segment.info, batch.entries);
    if (segment.info.bytes >= SEGMENT_MAX_BYTES) await closeActive();
  }

  function totalBytes(): number {
    let sum = 0;
    for (const s of segments.values()) sum += s.bytes;
    return sum;
  }

  return {
    append: (batch) => exclusive(() => append(batch)),
    closedSegments: ({ closeActive: closing }) =>
      exclusive(async () => {
        await init();
        if (closing) await closeActive();
        return [...segments.values()]
          .filter((s) => s.name !== active?.info.name)
          .sort((a, b) => (a.name < b.name ? -1 : 1));
      }),
    async read(segment) {
      const content = await readFile(join(dir, segment.name), 'utf8');
      const batches: LogBatch[] = [];
      let current: { writer: string; seq: number; entries: string[] } | undefined;
      let records = 0;
      let skipped = 0;
      let place = 0;
      for (const line of content.split('\n')) {
        if (line === '') continue;
        place += 1;
        const header = batchLine(line);
        if (header !== undefined) {
          current = { ...header, entries: [] };
          batches.push(current);
        } else if (parseAuditRecord(line) === undefined) {
          skipped += 1;
        } else {
          records += 1;
          if (current === undefined)
            batches.push({ writer: `spool:${segment.name}`, seq: place, entries: [line] });
          else current.entries.push(line);
        }
      }
      return { batches: batches.filter((b) => b.entries.length > 0), records, skipped };
    },
    remove: (segment) =>
      exclusive(async () => {
        await unlinkQuietly(join(dir, segment.name));
        segments.delete(segment.name);
      }),
    get depth() {
      let sum = 0;
      for (const s of segments.values()) sum += s.records;
      return sum;
    },
    get oldestAtMs() {
      let oldest: number | undefined;
      for (const s of segments.values()) {
        if (s.oldestAtMs !== undefined && (oldest === undefined || s.oldestAtMs < oldest))
          oldest = s.oldestAtMs;
      }
      return oldest;
    },
    close: () => exclusive(closeActive),
  };
}

async function unlinkQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
