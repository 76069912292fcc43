import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { loadGroupMap, readGroupMapFile } from '../../src/auth/group-map.js';

const write = (content: unknown) => {
  const file = join(mkdtempSync(join(tmpdir(), 'sbff-groups-')), 'groups.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

describe('the group map file', () => {
  it('maps provider groups to the union of their account groups and roles', () => {
    const map = loadGroupMap(
      write({
        groups: {
          readers: { accountGroups: ['grp_a'] },
          'ops team': { accountGroups: ['grp_a', 'grp_b'], roles: ['auditor'] },
          admins: { roles: ['admin'] },
        },
      }),
    );
    expect(map.map(['readers', 'ops team', 'unknown'])).toEqual({
      accountGroups: ['grp_a', 'grp_b'],
      roles: ['auditor'],
      mapped: true,
    });
    expect(map.map(['admins'])).toEqual({ accountGroups: [], roles: ['admin'], mapped: true });
    expect(map.map(['unknown'])).toEqual({ accountGroups: [], roles: [], mapped: false });
  });

  it('names the file and each bad field, and refuses unknown keys', () => {
    const file = write({ groups: { readers: { accountGroups: ['bad group!'], extra: 1 } } });
    const result = readGroupMapFile(file);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.every((p) => p.startsWith(`OIDC_GROUP_MAP_FILE ${file}:`))).toBe(true);
    expect(result.problems.join('\n')).toContain('groups.readers.accountGroups[0]');
    expect(result.problems.join('\n')).toContain('extra');
    expect(() => loadGroupMap(write('{ not json'))).toThrow(ConfigError);
    expect(() => loadGroupMap('/nonexistent/groups.json')).toThrow(/cannot be read \(ENOENT\)/);
  });

  it('a bad reload keeps the current map; a good one moves the generation', () => {
    const file = write({ groups: { readers: { accountGroups: ['grp_a'] } } });
    const map = loadGroupMap(file);
    writeFileSync(file, '{"groups": 3}');
    expect(map.reload().ok).toBe(false);
    expect(map.generation).toBe(0);
    expect(map.map(['readers']).accountGroups).toEqual(['grp_a']);
    writeFileSync(file, JSON.stringify({ groups: { readers: { accountGroups: ['grp_b'] } } }));
    expect(map.reload()).toEqual({ ok: true, count: 1 });
    expect(map.generation).toBe(1);
    expect(map.map(['readers']).accountGroups).toEqual(['grp_b']);
  });
});
