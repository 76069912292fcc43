import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadGroupMap } from '../../src/auth/group-map.js';
import { loadUserDirectory } from '../../src/auth/user-directory.js';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config.js';

interface Service {
  command?: string[];
  environment?: Record<string, string>;
  image?: string;
  build?: string;
}

// No Docker engine runs here, so the compose file is kept honest by reading it.
describe('docker-compose.yml', () => {
  const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
    services: Record<string, Service>;
  };
  const gateways = Object.entries(compose.services).filter(([name]) => name.startsWith('gateway'));

  it('runs Redis with AOF on, the simulator and two gateway instances', () => {
    expect(compose.services['redis']?.command?.join(' ')).toContain('--appendonly yes');
    expect(compose.services['simulator']?.command?.join(' ')).toContain('simulator');
    expect(gateways).toHaveLength(2);
  });

  it('sets only variables the gateway knows, and a configuration that loads', () => {
    for (const [, service] of gateways) {
      const env = service.environment ?? {};
      for (const name of Object.keys(env)) expect(CONFIG_VARIABLES, name).toContain(name);
      expect(() => loadConfig(env)).not.toThrow();
      expect(env['REDIS_URL']).toBe('redis://redis:6379');
      expect(env['INSTANCES']).toBe(String(gateways.length));
    }
  });

  it('points the gateways at the simulator service with the key it accepts', () => {
    const sim = compose.services['simulator']?.command?.join(' ') ?? '';
    for (const [, service] of gateways) {
      expect(service.environment?.['UPSTREAM_BASE_URL']).toBe('http://simulator:4010');
      expect(sim).toContain(`--key ${service.environment?.['UPSTREAM_API_KEY'] ?? ''}`);
    }
  });

  it('documents single sign-on with variables the gateway knows, and an example group map that loads', () => {
    const text = readFileSync('docker-compose.yml', 'utf8');
    const documented = [...text.matchAll(/^\s+# ((?:OIDC|SESSION)_[A-Z_]+): /gm)].map((m) => m[1] ?? '');
    expect(documented).toContain('OIDC_ISSUER');
    expect(documented.length).toBeGreaterThanOrEqual(8);
    for (const name of documented) expect(CONFIG_VARIABLES, name).toContain(name);
    expect(loadGroupMap('deploy/groups.example.json').map(['signals-readers']).accountGroups).toEqual([
      'grp_demo_a',
      'grp_demo_b',
    ]);
  });

  it('ships an example users file that loads', () => {
    const users = loadUserDirectory('deploy/users.example.json');
    expect(users.byUsername('demo')?.accountGroups).toEqual(['grp_demo_a', 'grp_demo_b']);
  });
});
