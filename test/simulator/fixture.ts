import { expect } from 'vitest';

import type { RunningSimulator } from '../../src/simulator/simulator.js';

export const AUTH = { authorization: 'Bearer sim-key' } as const;

export interface ScanItem {
  scanId: string;
  type: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  [extra: string]: unknown;
}

export interface Envelope {
  success: boolean;
  data: { items: ScanItem[]; nextCursor: string | null; hasMore: boolean } | null;
  error: { code: string; message: string; details: unknown } | null;
  traceId: string;
}

export function scansPath(group: string, query: Record<string, string> = {}): string {
  const qs = new URLSearchParams(query).toString();
  return `/v1/accounts/${group}/signals/scans${qs === '' ? '' : `?${qs}`}`;
}

/** One request with the default key; returns status, headers and the parsed envelope. */
export async function getScans(
  sim: RunningSimulator,
  group: string,
  query: Record<string, string> = {},
  headers: Record<string, string> = AUTH,
): Promise<{ status: number; headers: Headers; body: Envelope }> {
  const res = await fetch(sim.url + scansPath(group, query), { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Envelope };
}

/** Follows nextCursor to the end, collecting every scan id in order. */
export async function walkAll(
  sim: RunningSimulator,
  group: string,
  query: Record<string, string> = {},
): Promise<{ ids: string[]; items: ScanItem[]; pages: number }> {
  const items: ScanItem[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const q: Record<string, string> = cursor === null ? query : { ...query, cursor };
    const { status, body } = await getScans(sim, group, q);
    if (status !== 200 || body.data === null) throw new Error(`page ${pages} answered ${status}`);
    items.push(...body.data.items);
    expect(body.data.hasMore).toBe(body.data.nextCursor !== null);
    cursor = body.data.nextCursor;
    pages += 1;
  } while (cursor !== null);
  return { ids: items.map((i) => i.scanId), items, pages };
}
