import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, readApiKey, readEncryptionKeys } from '../src/config.js';

const required = {
  UPSTREAM_BASE_URL: 'http://127.0.0.1:4010',
  UPSTREAM_API_KEY: 'k',
  USERS_FILE: 'users.json',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(required);
    expect(config.port).toBe(8080);
    expect(config.host).toBe('127.0.0.1');
    expect(config.redis.keyPrefix).toBe('sbff:');
    expect(config.upstream.apiKeyHeader).toBe('Authorization');
    expect(config.cookie.secure).toBe(true);
    expect(config.maxPageLimit).toBe(100);
    expect(config.redis.url).toBeUndefined();
    expect(config.instances).toBe(1);
  });

  it('names every missing required variable, one line each', () => {
    const problems = problemsOf({});
    expect(problems.some((p) => p.startsWith('UPSTREAM_BASE_URL:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('UPSTREAM_API_KEY:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('USERS_FILE:'))).toBe(true);
  });

  it('counts an empty API key as missing', () => {
    expect(problemsOf({ ...required, UPSTREAM_API_KEY: '  ' })).toEqual([
      'UPSTREAM_API_KEY: is required (or UPSTREAM_API_KEY_FILE)',
    ]);
  });

  it('lists every bad value at once, naming each variable', () => {
    const problems = problemsOf({
      ...required,
      PORT: 'eighty',
      UPSTREAM_BASE_URL: 'ftp://x',
      COOKIE_SECURE: 'maybe',
      UPSTREAM_RPS: '-1',
      MAX_PAGE_LIMIT: '0',
      REDIS_URL: 'http://nope',
      LOG_LEVEL: 'loud',
    });
    for (const name of [
      'PORT',
      'UPSTREAM_BASE_URL',
      'COOKIE_SECURE',
      'UPSTREAM_RPS',
      'MAX_PAGE_LIMIT',
      'REDIS_URL',
      'LOG_LEVEL',
    ]) {
      expect(
        problems.some((p) => p.startsWith(`${name}:`)),
        name,
      ).toBe(true);
    }
  });

  it('refuses more than one instance on the embedded store', () => {
    expect(problemsOf({ ...required, INSTANCES: '2' })[0]).toMatch(
      /^INSTANCES: the embedded store serves one instance/,
    );
    expect(problemsOf({ ...required, INSTANCES: '2', REDIS_URL: 'redis://127.0.0.1:6379' })).toEqual([]);
  });

  it('takes Redis Sentinel: the sentinels and the name of the master they watch', () => {
    const config = loadConfig({
      ...required,
      REDIS_SENTINELS: '10.0.0.1:26379, 10.0.0.2:26379',
      REDIS_SENTINEL_MASTER: 'sbff',
      INSTANCES: '2',
    });
    expect(config.redis).toMatchObject({
      url: undefined,
      clusterNodes: [],
      sentinels: ['10.0.0.1:26379', '10.0.0.2:26379'],
      sentinelMaster: 'sbff',
    });
  });

  it('names each Redis setting that does not fit: one target only, a master name with sentinels only', () => {
    expect(
      problemsOf({
        ...required,
        REDIS_URL: 'redis://127.0.0.1:6379',
        REDIS_SENTINELS: '10.0.0.1:26379',
        REDIS_CLUSTER_NODES: 'a:7000',
      }),
    ).toEqual([
      'REDIS_SENTINELS: set only one of REDIS_URL, REDIS_SENTINELS and REDIS_CLUSTER_NODES (REDIS_URL is set too)',
      'REDIS_CLUSTER_NODES: set only one of REDIS_URL, REDIS_SENTINELS and REDIS_CLUSTER_NODES (REDIS_URL is set too)',
      'REDIS_SENTINEL_MASTER: is required with REDIS_SENTINELS: the name the sentinels monitor the master by',
    ]);
    expect(problemsOf({ ...required, REDIS_SENTINEL_MASTER: 'sbff' })).toEqual([
      'REDIS_SENTINEL_MASTER: needs REDIS_SENTINELS',
    ]);
    expect(problemsOf({ ...required, REDIS_SENTINELS: 'no-port', REDIS_SENTINEL_MASTER: 'a b' })).toEqual([
      'REDIS_SENTINELS[0]: must be comma-separated host:port pairs',
      'REDIS_SENTINEL_MASTER: must be a master name without spaces',
    ]);
  });

  it('waits for no replica by default, and refuses replicas on the embedded store', () => {
    expect(loadConfig(required).audit).toMatchObject({ minReplicas: 0, replicaTimeoutMs: 200 });
    expect(problemsOf({ ...required, AUDIT_MIN_REPLICAS: '1' })).toEqual([
      'AUDIT_MIN_REPLICAS: the embedded store has no replicas: set REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES, or leave it 0',
    ]);
    const confirmed = loadConfig({
      ...required,
      REDIS_URL: 'redis://127.0.0.1:6379',
      AUDIT_MIN_REPLICAS: '1',
      AUDIT_REPLICA_TIMEOUT_MS: '50',
    });
    expect(confirmed.audit).toMatchObject({ minReplicas: 1, replicaTimeoutMs: 50 });
    expect(problemsOf({ ...required, AUDIT_MIN_REPLICAS: '-1', AUDIT_REPLICA_TIMEOUT_MS: '0' })).toEqual([
      'AUDIT_MIN_REPLICAS: must be a whole number',
      'AUDIT_REPLICA_TIMEOUT_MS: must be at least 1',
    ]);
  });

  it('refuses a key prefix that would break Redis Cluster hash tags', () => {
    expect(problemsOf({ ...required, REDIS_KEY_PREFIX: 'a{b}' })[0]).toMatch(/^REDIS_KEY_PREFIX:/);
  });

  it('reads the API key from its file, trimmed, and treats an empty file as missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sbff-key-'));
    writeFileSync(join(dir, 'key'), 'from-file\n');
    writeFileSync(join(dir, 'empty'), '\n');
    const base = { UPSTREAM_BASE_URL: 'http://x', USERS_FILE: 'u' };
    expect(readApiKey(loadConfig({ ...base, UPSTREAM_API_KEY_FILE: join(dir, 'key') }))).toBe('from-file');
    expect(() => readApiKey(loadConfig({ ...base, UPSTREAM_API_KEY_FILE: join(dir, 'empty') }))).toThrow(
      ConfigError,
    );
  });

  describe('logins', () => {
    const upstream = { UPSTREAM_BASE_URL: 'http://127.0.0.1:4010', UPSTREAM_API_KEY: 'k' };
    const key = Buffer.alloc(32, 7).toString('base64');
    const sso = {
      OIDC_ISSUER: 'https://login.example.com/realms/acme',
      OIDC_CLIENT_ID: 'bff',
      OIDC_CLIENT_SECRET: 's',
      OIDC_REDIRECT_URI: 'https://bff.example.com/auth/oidc/callback',
      OIDC_GROUP_MAP_FILE: 'groups.json',
      SESSION_ENCRYPTION_KEY: key,
    };

    it('needs at least one way to log in, reported with every other problem', () => {
      expect(problemsOf({ ...upstream, PORT: 'x' })).toEqual([
        'PORT: must be a whole number',
        'USERS_FILE: is required unless OIDC_ISSUER is set (at least one way to log in)',
      ]);
      const only = loadConfig({ ...upstream, ...sso });
      expect(only.usersFile).toBeUndefined();
      expect(only.oidc).toMatchObject({
        clientId: 'bff',
        scopes: ['openid', 'profile', 'email'],
        groupsClaim: 'groups',
      });
      expect(loadConfig(required).oidc).toBeUndefined();
    });

    it('names each setting single sign-on needs', () => {
      expect(problemsOf({ ...upstream, OIDC_ISSUER: sso.OIDC_ISSUER })).toEqual([
        'OIDC_CLIENT_ID: is required when OIDC_ISSUER is set',
        'OIDC_CLIENT_SECRET: is required when OIDC_ISSUER is set (or OIDC_CLIENT_SECRET_FILE)',
        'OIDC_REDIRECT_URI: is required when OIDC_ISSUER is set',
        'OIDC_GROUP_MAP_FILE: is required when OIDC_ISSUER is set',
        'SESSION_ENCRYPTION_KEY: is required when OIDC_ISSUER is set (or SESSION_ENCRYPTION_KEY_FILE)',
      ]);
    });

    it('refuses plain http to a provider elsewhere, a short key and scopes without openid', () => {
      const problems = problemsOf({
        ...upstream,
        ...sso,
        OIDC_ISSUER: 'http://login.example.com',
        SESSION_ENCRYPTION_KEY: 'c2hvcnQ=',
        OIDC_SCOPES: 'profile email',
      });
      expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
        'OIDC_ISSUER',
        'OIDC_SCOPES',
        'SESSION_ENCRYPTION_KEY',
      ]);
      expect(problemsOf({ ...upstream, ...sso, OIDC_ISSUER: 'http://127.0.0.1:9000' })).toEqual([]);
    });

    it('reads one key or several for a rotation, the first one first', () => {
      const other = Buffer.alloc(32, 9).toString('base64');
      const config = loadConfig({ ...upstream, ...sso, SESSION_ENCRYPTION_KEY: `${other}, ${key}` });
      const keys = readEncryptionKeys(config.oidc ?? expect.fail('sso is on'));
      expect(keys.map((k) => k.toString('base64'))).toEqual([other, key]);
    });
  });
});
