/**
 * Lua scripts for the operations that must be atomic on Redis. Times come from Redis `TIME`,
 * so every instance shares one clock. Numbers go back as strings: Redis truncates Lua numbers.
 */

const NOW_MS = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000`;

export const DEL_IF_EQUALS = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** KEYS[1] value key, KEYS[2] lock; ARGV value, ttl ms, lock token. */
export const SET_AND_RELEASE = `redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[3] then
  redis.call('DEL', KEYS[2])
end
return 1`;

export const INCR_WINDOW = `local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

/** KEYS[1] budget; ARGV interval ms, burst, max wait ms → {granted, wait-or-retry ms}. */
export const RESERVE_SLOT = `${NOW_MS}
local interval = tonumber(ARGV[1])
local tolerance = (tonumber(ARGV[2]) - 1) * interval
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local slot = tat - tolerance
if slot < now then slot = now end
local wait = slot - now
if wait > tonumber(ARGV[3]) then
  return {0, tostring(wait)}
end
local nextTat = tat + interval
redis.call('SET', KEYS[1], tostring(nextTat), 'PX', math.ceil(nextTat - now) + 1000)
return {1, tostring(wait)}`;

/**
 * KEYS[1] budget; ARGV interval ms, burst, want → {granted, ms ahead after it, retry-after ms}:
 * up to `want` calls that fit now, without waiting (gcra.ts takeGcraTokens is the same rule).
 */
export const TAKE_TOKENS = `${NOW_MS}
local interval = tonumber(ARGV[1])
local tolerance = (tonumber(ARGV[2]) - 1) * interval
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local fits = math.floor((tolerance - (tat - now)) / interval) + 1
local granted = math.max(0, math.min(tonumber(ARGV[3]), fits))
if granted == 0 then
  return {0, tostring(tat - now), tostring(tat - tolerance - now)}
end
local nextTat = tat + granted * interval
redis.call('SET', KEYS[1], tostring(nextTat), 'PX', math.ceil(nextTat - now) + 1000)
return {granted, tostring(nextTat - now), '0'}`;

/** KEYS[1] budget; ARGV interval ms, burst, pause ms. */
export const PAUSE_SLOTS = `${NOW_MS}
local tolerance = (tonumber(ARGV[2]) - 1) * tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local paused = now + tonumber(ARGV[3]) + tolerance
if paused > tat then
  redis.call('SET', KEYS[1], tostring(paused), 'PX', math.ceil(paused - now) + 1000)
end
return 1`;

/**
 * KEYS[1] stream, KEYS[2] sorted set of delivered record ids (score: when, ms);
 * ARGV[1] max length, ARGV[2] dedupe ms, then id, json pairs. A record id already in the set
 * is skipped, so a retried or re-spooled delivery lands once.
 */
export const APPEND_LOG = `${NOW_MS}
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[2]))
local added = 0
for i = 3, #ARGV, 2 do
  if redis.call('ZADD', KEYS[2], 'NX', now, ARGV[i]) == 1 then
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'r', ARGV[i + 1])
    added = added + 1
  end
end
return added`;
