import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../config.js';
import { ACCOUNT_GROUP_ID, ACCOUNT_GROUP_ID_RULE } from '../platform/account-group-id.js';
import { describeZodIssues, problemLines } from '../platform/zod-issues.js';

const entrySchema = z.strictObject({
  accountGroups: z.array(z.string().regex(ACCOUNT_GROUP_ID, ACCOUNT_GROUP_ID_RULE)).default([]),
  roles: z.array(z.string().min(1).max(64)).default([]),
});

const fileSchema = z.strictObject({
  groups: z.record(z.string().min(1, 'a provider group name must not be empty').max(256), entrySchema),
});

/** What the provider groups of a user are worth here. */
export interface MappedAccess {
  accountGroups: string[];
  roles: string[];
  /** At least one of the groups is in the map (even one that grants nothing but a role). */
  mapped: boolean;
}

/**
 * OIDC_GROUP_MAP_FILE: provider group → account groups and roles. Read on every request of an SSO
 * session (through a per-session memo that a reload invalidates), so a changed map applies at
 * the next request.
 */
export interface GroupMap {
  map(groups: readonly string[]): MappedAccess;
  /** Moves on each successful reload: what was computed from an older map is stale. */
  readonly generation: number;
  /** Re-reads the file atomically: a bad file keeps the current map and returns its problems. */
  reload(): { ok: true; count: number } | { ok: false; problems: string[] };
}

type Entries = ReadonlyMap<string, { accountGroups: string[]; roles: string[] }>;

/** Loads the map (docs/configuration.md#group-map); throws ConfigError naming the file and each field. */
export function loadGroupMap(path: string): GroupMap {
  const first = readGroupMapFile(path);
  if (!first.ok) throw new ConfigError(first.problems);
  let entries = first.entries;
  let generation = 0;
  return {
    map(groups) {
      const accountGroups = new Set<string>();
      const roles = new Set<string>();
      let mapped = false;
      for (const group of groups) {
        const entry = entries.get(group);
        if (entry === undefined) continue;
        mapped = true;
        for (const g of entry.accountGroups) accountGroups.add(g);
        for (const r of entry.roles) roles.add(r);
      }
      return { accountGroups: [...accountGroups], roles: [...roles], mapped };
    },
    get generation() {
      return generation;
    },
    reload() {
      const next = readGroupMapFile(path);
      if (!next.ok) return next;
      entries = next.entries;
      generation += 1;
      return { ok: true, count: entries.size };
    },
  };
}

type ReadResult = { ok: true; entries: Entries } | { ok: false; problems: string[] };

/** Every problem is one line starting with `OIDC_GROUP_MAP_FILE <path>:`, like the users file's. */
export function readGroupMapFile(path: string): ReadResult {
  const problem = (what: string) => `OIDC_GROUP_MAP_FILE ${path}: ${what}`;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what =
      code === undefined ? `is not valid JSON (${(error as Error).message})` : `cannot be read (${code})`;
    return { ok: false, problems: [problem(what)] };
  }
  const parsed = fileSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    return { ok: false, problems: problemLines(describeZodIssues(parsed.error, 'the file')).map(problem) };
  }
  const entries = new Map(
    Object.entries(parsed.data.groups).map(([group, e]) => [
      group,
      { accountGroups: [...new Set(e.accountGroups)], roles: [...new Set(e.roles)] },
    ]),
  );
  return { ok: true, entries };
}
