import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../src/config.js';

describe('.env.example', () => {
  const lines = readFileSync('.env.example', 'utf8').split('\n');
  const names = lines.filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=')[0]);

  it('lists every variable the gateway reads, and no other', () => {
    expect([...names].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('has a comment line above every variable', () => {
    lines.forEach((line, i) => {
      if (/^[A-Z_]+=/.test(line)) expect(lines[i - 1]?.startsWith('#'), line).toBe(true);
    });
  });
});
