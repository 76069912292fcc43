import { MAX_LOG_GAPS } from './log-marks.js';

/**
 * Lua scripts for the operations that must be atomic on Redis. Times come from Redis `TIME`,
 * so every instance shares one clock. Numbers go back as strings: Redis truncates Lua numbers.
 * Times are written with `ms`, to the µs: Lua's tostring keeps 14 digits, a tenth of a ms of
 * today's epoch ms, and a budget kept that coarsely told a call within its burst to wait a few µs
 * (a slot up to 0.05 ms ahead of `now`), and so the whole slot guard of upstream-budget.ts.
 */

const NOW_MS = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local function ms(n) return string.format('%.3f', n) end`;

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

/**
 * GCRA slot of the budget at `key`, stored as "<tat> <spent>"; interval ms, burst, max wait ms,
 * jitter ms → {granted, wait-or-retry ms}. gcra.ts reserveGcraSlot is the same rule.
 */
const RESERVE_SLOT_FN = `${NOW_MS}
local function reserveSlot(key, interval, burst, maxWait, jitter)
  local tolerance = (burst - 1) * interval
  local stored = redis.call('GET', key) or '0'
  local tat = tonumber(string.match(stored, '^%S+')) or 0
  local spent = tonumber(string.match(stored, ' (%S+)$') or '0') or 0
  if tat <= now then spent = 0 end
  if tat < now then tat = now end
  local slot = tat - tolerance
  local wait = math.max(0, slot - now)
  if wait > maxWait then
    return {0, ms(wait)}
  end
  if spent >= burst then wait = math.max(0, slot + jitter - now) end
  local nextTat = tat + interval
  redis.call('SET', key, ms(nextTat) .. ' ' .. string.format('%d', spent + 1), 'PX', math.ceil(nextTat - now) + 1000)
  return {1, ms(wait)}
end`;

/** KEYS[1] budget; ARGV interval ms, burst, max wait ms, jitter ms → {granted, wait-or-retry ms}. */
export const RESERVE_SLOT = `${RESERVE_SLOT_FN}
return reserveSlot(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]))`;

/**
 * KEYS[1] lock, KEYS[2] budget; ARGV token, lock ttl ms, then RESERVE_SLOT's → {0} when the lock
 * is held, else {1, granted, wait-or-retry ms}: the slot is reserved only when the lock was taken.
 */
export const LOCK_AND_RESERVE = `if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then
  return {0}
end
${RESERVE_SLOT_FN}
local slot = reserveSlot(KEYS[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]))
return {1, slot[1], slot[2]}`;

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
  return {0, ms(tat - now), ms(tat - tolerance - now)}
end
local nextTat = tat + granted * interval
redis.call('SET', KEYS[1], ms(nextTat), 'PX', math.ceil(nextTat - now) + 1000)
return {granted, ms(nextTat - now), '0'}`;

/** KEYS[1] budget (as RESERVE_SLOT keeps it); ARGV interval ms, burst, pause ms. */
export const PAUSE_SLOTS = `${NOW_MS}
local tolerance = (tonumber(ARGV[2]) - 1) * tonumber(ARGV[1])
local tat = tonumber(string.match(redis.call('GET', KEYS[1]) or '0', '^%S+')) or 0
local paused = now + tonumber(ARGV[3]) + tolerance
if paused > tat then
  redis.call('SET', KEYS[1], ms(paused) .. ' ' .. ARGV[2], 'PX', math.ceil(paused - now) + 1000)
end
return 1`;

/**
 * A writer's mark (a hash): `hwm`, the highest batch number landed; `g<from>` = `<to>`, each
 * range of lower numbers that did not land; `horizon`, below which that is no longer known
 * (set when the oldest range was forgotten). Numbers in Lua are doubles: exact up to 2^53.
 */
const LOG_MARK = `local function fmt(n) return string.format('%d', n) end
local function addGap(mark, from, to)
  redis.call('HSET', mark, 'g' .. fmt(from), fmt(to))
  -- Only the ranges count: hwm and horizon are not there yet on a young mark.
  local ranges = redis.call('HLEN', mark) - redis.call('HEXISTS', mark, 'hwm') - redis.call('HEXISTS', mark, 'horizon')
  if ranges <= ${MAX_LOG_GAPS} then return end
  local fields = redis.call('HGETALL', mark)
  local oldest, oldestTo
  for i = 1, #fields, 2 do
    if string.sub(fields[i], 1, 1) == 'g' then
      local start = tonumber(string.sub(fields[i], 2))
      if oldest == nil or start < oldest then oldest, oldestTo = start, tonumber(fields[i + 1]) end
    end
  end
  redis.call('HDEL', mark, 'g' .. fmt(oldest))
  if oldestTo + 1 > tonumber(redis.call('HGET', mark, 'horizon') or '0') then
    redis.call('HSET', mark, 'horizon', fmt(oldestTo + 1))
  end
end`;

/**
 * KEYS[1] stream, KEYS[2] the writer's mark; ARGV[1] max length, ARGV[2] batch number,
 * ARGV[3] mark ttl ms, then the entries → 1 appended, 0 refused (a higher number landed first).
 * Numbers between the last landed and this one are recorded as skipped: they can land no more.
 */
export const APPEND_LOG = `${LOG_MARK}
local seq = tonumber(ARGV[2])
local hwm = tonumber(redis.call('HGET', KEYS[2], 'hwm') or '0')
if seq <= hwm then return 0 end
if seq > hwm + 1 then addGap(KEYS[2], hwm + 1, seq - 1) end
for i = 4, #ARGV do
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'r', ARGV[i])
end
redis.call('HSET', KEYS[2], 'hwm', ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1`;

/**
 * KEYS[1] stream, KEYS[2] the writer's mark; ARGV[1] max length, ARGV[2] mark ttl ms, then per
 * batch: its number, its entry count, its entries → {appended, skipped, uncertain} entries.
 * A batch lands unless the mark says it is in the stream; landing, it is marked so.
 */
export const REDELIVER_LOG = `${LOG_MARK}
local mark = KEYS[2]
local function takeFromGap(seq)
  local fields = redis.call('HGETALL', mark)
  for i = 1, #fields, 2 do
    if string.sub(fields[i], 1, 1) == 'g' then
      local from, to = tonumber(string.sub(fields[i], 2)), tonumber(fields[i + 1])
      if from <= seq and seq <= to then
        redis.call('HDEL', mark, fields[i])
        if from < seq then redis.call('HSET', mark, 'g' .. fmt(from), fmt(seq - 1)) end
        if seq < to then redis.call('HSET', mark, 'g' .. fmt(seq + 1), fmt(to)) end
        return true
      end
    end
  end
  return false
end
local appended, skipped, uncertain = 0, 0, 0
local i = 3
while i <= #ARGV do
  local seq, n = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  local hwm = tonumber(redis.call('HGET', mark, 'hwm') or '0')
  local land = true
  if seq > hwm then
    if seq > hwm + 1 then addGap(mark, hwm + 1, seq - 1) end
    redis.call('HSET', mark, 'hwm', fmt(seq))
  elseif seq < tonumber(redis.call('HGET', mark, 'horizon') or '0') then
    uncertain = uncertain + n
  else
    land = takeFromGap(seq)
  end
  for j = i + 2, i + 1 + n do
    if land then redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'r', ARGV[j]) end
  end
  if land then appended = appended + n else skipped = skipped + n end
  i = i + 2 + n
end
redis.call('PEXPIRE', mark, ARGV[2])
return {appended, skipped, uncertain}`;

/**
 * KEYS[1] a sorted set whose scores are expiry times; ARGV member, ttl ms. Expired members go,
 * the member is (re)added, and the key lives as long as its last member.
 */
export const ADD_TO_SET = `${NOW_MS}
now = math.floor(now)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(last[2]) - now) + 1000)
return 1`;

/** KEYS[1] a set of ADD_TO_SET → its members that have not expired. */
export const SET_MEMBERS = `${NOW_MS}
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. math.floor(now), '+inf')`;
