import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { createGroupCommit } from './group-commit.js';
import { parseAuditRecord, type AuditRecord } from './record.js';

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

export interface SpooledRecord {
  id: string;
  json: string;
}

export interface Spool {
  /** Group-committed append; resolves once the batch holding `record` is fsync'd. */
  write(record: AuditRecord): Promise<void>;
  /**
   * The segments no append goes to any more, oldest first. With `closeActive`, the segment being
   * appended to is closed first (the next append starts a new one), so it is among them.
   */
  closedSegments(options: { closeActive: boolean }): Promise<SpoolSegment[]>;
  /** The records of a closed segment; a line torn by a crash mid-append is skipped and counted. */
  read(segment: SpoolSegment): Promise<{ records: SpooledRecord[]; skipped: number }>;
  /** Deletes a segment once every record of it is acknowledged by the stream. */
  remove(segment: SpoolSegment): Promise<void>;
  /** Records in the spool (known after the first operation, which reads the directory). */
  readonly depth: number;
  readonly oldestAtMs: number | undefined;
  readonly idle: Promise<void>;
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

/**
 * Append-only JSON-lines segment files. Every append is fsync'd before it resolves, so a record
 * the caller was told is durable survives a crash. Segments are deleted whole, only after the
 * stream acknowledged all of their records; a crash in between re-delivers (deduped by id).
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
    for (const line of content.split('\n')) {
      const record = line === '' ? undefined : parseAuditRecord(line);
      if (record !== undefined) note(segment, [record]);
    }
    return segment;
  }

  function note(segment: SpoolSegment, records: readonly AuditRecord[]): void {
    segment.records += records.length;
    for (const r of records) {
      const at = Date.parse(r.at);
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

  async function append(records: AuditRecord[]): Promise<void> {
    await init();
    const lines = records.map((r) => `${JSON.stringify(r)}\n`).join('');
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
    note(segment.info, records);
    if (segment.info.bytes >= SEGMENT_MAX_BYTES) await closeActive();
  }

  function totalBytes(): number {
    let sum = 0;
    for (const s of segments.values()) sum += s.bytes;
    return sum;
  }

  const group = createGroupCommit<AuditRecord>((records) => exclusive(() => append(records)));

  return {
    write: (record) => group.submit(record),
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
      const records: SpooledRecord[] = [];
      let skipped = 0;
      for (const line of content.split('\n')) {
        if (line === '') continue;
        const record = parseAuditRecord(line);
        if (record === undefined) skipped += 1;
        else records.push({ id: record.id, json: line });
      }
      return { records, skipped };
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
    get idle() {
      return group.idle;
    },
    async close() {
      await group.idle;
      await exclusive(closeActive);
    },
  };
}

async function unlinkQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
