import { createHash } from 'node:crypto';

/** Lifecycle statuses the data uses; the only values the `status` filter accepts. */
export const SCAN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type ScanStatus = (typeof SCAN_STATUSES)[number];
const SCAN_TYPES = ['prospecting', 'enrichment', 'monitoring'] as const;
const SOURCES = ['api', 'schedule', 'manual'] as const;

/** A scan as the vendor returns it; `source` and `metrics` are the fields the gateway must pass through untouched. */
export interface Scan {
  scanId: string;
  type: (typeof SCAN_TYPES)[number];
  status: ScanStatus;
  createdAt: string;
  updatedAt: string;
  source: (typeof SOURCES)[number];
  metrics: { signalsFound: number; durationMs: number | null };
}

/** One filtered view of a group's scans, newest first; `scope` tells cursors of different views apart. */
export interface ScanList {
  readonly items: readonly Scan[];
  readonly scope: string;
}

export interface ScanCatalog {
  /** Precomputed on the first call for a group, then served from memory. */
  list(group: string, status: ScanStatus | undefined): ScanList;
}

interface GroupLists {
  all: ScanList;
  byStatus: Map<ScanStatus, ScanList>;
}

// Fixed clock for deterministic data: the timestamp of the vendor's own example.
const NEWEST_AT = Date.UTC(2026, 3, 28, 15, 30, 0);
// Groups come from request paths: bound the memory an endless stream of new ids can take.
const MAX_CACHED_GROUPS = 10_000;
const MAX_ITEMS_PER_GROUP = 1_000_000;

/** FNV-1a: a cheap, stable 32-bit hash to seed the generator and size the default group. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: tiny, fast and good enough for fake data. Returns floats in [0, 1). */
function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, values: readonly [T, ...T[]]): T {
  return values[Math.floor(random() * values.length)] ?? values[0];
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0').slice(-width);
}

// Mostly finished scans, like a real account; every status still shows up in a typical group.
const STATUS_WEIGHTS: readonly [ScanStatus, number][] = [
  ['completed', 0.55],
  ['failed', 0.12],
  ['cancelled', 0.08],
  ['running', 0.13],
  ['queued', 0.12],
];

function pickStatus(random: () => number): ScanStatus {
  let roll = random();
  for (const [status, weight] of STATUS_WEIGHTS) {
    roll -= weight;
    if (roll < 0) return status;
  }
  return 'completed';
}

function generateScans(seed: number, group: string, count: number): Scan[] {
  const random = createRandom(hash32(`${seed}:${group}`));
  const seen = new Set<string>();
  const scans: Scan[] = [];
  let createdMs = NEWEST_AT - Math.floor(random() * 600_000);
  for (let i = 0; i < count; i++) {
    // ObjectId-like, as in the vendor's example: seconds of creation, then random bits.
    let scanId: string;
    do {
      scanId =
        hex(Math.floor(createdMs / 1000), 8) +
        hex(Math.floor(random() * 0x1_0000_0000), 8) +
        hex(Math.floor(random() * 0x1_0000_0000), 8);
    } while (seen.has(scanId));
    seen.add(scanId);
    const status = pickStatus(random);
    const finished = status === 'completed' || status === 'failed' || status === 'cancelled';
    const durationMs = finished ? 1_000 + Math.floor(random() * 900_000) : null;
    const updatedMs =
      status === 'queued' ? createdMs : createdMs + (durationMs ?? Math.floor(random() * 300_000));
    scans.push({
      scanId,
      type: pick(random, SCAN_TYPES),
      status,
      createdAt: new Date(createdMs).toISOString(),
      updatedAt: new Date(updatedMs).toISOString(),
      source: pick(random, SOURCES),
      metrics: { signalsFound: status === 'completed' ? Math.floor(random() * 500) : 0, durationMs },
    });
    // Newest first: each next scan is 1 minute to 6 hours older.
    createdMs -= 60_000 + Math.floor(random() * 21_540_000);
  }
  return scans;
}

function scopeOf(seed: number, group: string, status: ScanStatus | undefined): string {
  return createHash('sha256')
    .update(`${seed}\n${group}\n${status ?? '*'}`)
    .digest('base64url')
    .slice(0, 12);
}

function resolveCount(
  itemsPerGroup: number | ((group: string) => number) | undefined,
  group: string,
): number {
  const count = typeof itemsPerGroup === 'function' ? itemsPerGroup(group) : itemsPerGroup;
  if (count === undefined) return 30 + (hash32(group) % 51);
  if (!Number.isInteger(count) || count < 0 || count > MAX_ITEMS_PER_GROUP) {
    throw new RangeError(`itemsPerGroup must be an integer 0..${MAX_ITEMS_PER_GROUP}, got ${count}`);
  }
  return count;
}

/** Deterministic per (seed, group): two catalogs with the same seed serve identical scans. */
export function createScanCatalog(options: {
  seed: number;
  itemsPerGroup?: number | ((group: string) => number) | undefined;
}): ScanCatalog {
  const { seed, itemsPerGroup } = options;
  const groups = new Map<string, GroupLists>();

  function build(group: string): GroupLists {
    const items = generateScans(seed, group, resolveCount(itemsPerGroup, group));
    const byStatus = new Map<ScanStatus, ScanList>();
    for (const status of SCAN_STATUSES) {
      byStatus.set(status, {
        items: items.filter((scan) => scan.status === status),
        scope: scopeOf(seed, group, status),
      });
    }
    return { all: { items, scope: scopeOf(seed, group, undefined) }, byStatus };
  }

  return {
    list(group, status) {
      let lists = groups.get(group);
      if (lists === undefined) {
        if (groups.size >= MAX_CACHED_GROUPS) groups.clear();
        lists = build(group);
        groups.set(group, lists);
      }
      if (status === undefined) return lists.all;
      return lists.byStatus.get(status) ?? { items: [], scope: scopeOf(seed, group, status) };
    },
  };
}
