-- The wrk script of bench/load.ts: wrk -t1 ... -s bench/load.lua <url> -- [key=value ...]
--   paths=<file>   cycle through the paths in <file>, one per line (distinct pages)
--   method=POST body=<text>
--   rate=<n>       start n requests per second on a schedule (an open loop, bounded by -c)
--   statuses=1     count answers by status (wrk then parses every response: not for throughput)
-- The last line of stdout is the run as JSON, read by bench/load.ts.

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

statuses = {}

function init(args)
  local opts = {}
  for _, arg in ipairs(args) do
    local key, value = arg:match("^(%w+)=(.*)$")
    if key then opts[key] = value end
  end
  if opts.method then wrk.method = opts.method end
  if opts.body then wrk.body = opts.body end
  if opts.paths then
    local requests = {}
    for path in io.lines(opts.paths) do requests[#requests + 1] = wrk.format(nil, path) end
    local index = 0
    request = function()
      index = index % #requests + 1
      return requests[index]
    end
  end
  if opts.rate then
    -- wrk's Lua has no clock: read the monotonic one through LuaJIT's FFI.
    local ffi = require("ffi")
    ffi.cdef([[
      typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
      int clock_gettime(int clock, bench_timespec *now);
    ]])
    local now = ffi.new("bench_timespec")
    local function now_ms()
      ffi.C.clock_gettime(1, now)
      return tonumber(now.tv_sec) * 1000 + tonumber(now.tv_nsec) / 1e6
    end
    local interval, due = 1000 / tonumber(opts.rate), nil
    -- Each request takes the next slot of the schedule; behind schedule it goes at once.
    delay = function()
      local t = now_ms()
      due = (due or t) + interval
      return math.max(0, math.floor(due - t))
    end
  end
  if opts.statuses then
    response = function(status)
      statuses[status] = (statuses[status] or 0) + 1
    end
  end
end

function done(summary, latency)
  local merged, counts = {}, {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses") or {}) do merged[status] = (merged[status] or 0) + n end
  end
  for status, n in pairs(merged) do counts[#counts + 1] = string.format('"%d":%d', status, n) end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"durationUs":%d,"errorStatuses":%d,"socketErrors":%d,"p50Us":%d,"p99Us":%d,"statuses":{%s}}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), table.concat(counts, ",")))
end
