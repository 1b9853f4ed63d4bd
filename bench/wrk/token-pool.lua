-- wrk script: every request carries the next bearer token from a pool file (one token per line).
-- Usage: wrk ... -s token-pool.lua URL -- TOKENS_FILE PATH [cycle|once THREADS]
--   cycle (default): each thread walks the whole pool and starts again at its end, so a gateway's
--     verified-token cache sees each token once per pool cycle.
--   once: thread k of THREADS sends only its own k-th share of the pool and no token twice; a thread
--     that runs out starts its share again and counts every token it sends a second time as `reused`,
--     so the caller can tell a measurement of never-seen tokens from one that ran out of them.
-- Prints one line "GATECHECK_WRK {json}" at the end for bench/wrk/run-wrk.ts to parse.

local pool = {}
local size = 0
local first = 1
local last = 0
local index = 0
-- Globals, not locals: done() reads `reused` from each thread's Lua state with thread:get.
reused = 0
local once = false
local wrapped = false
local threads = {}

function setup(thread)
  -- Cycle mode: threads start at different points of the pool so they never send the same token in lockstep.
  thread:set("number", #threads)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1], "r"))
  local path = args[2] or "/"
  for token in file:lines() do
    if #token > 0 then
      size = size + 1
      pool[size] = wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
    end
  end
  file:close()
  assert(size > 0, "empty token pool " .. args[1])
  local n = number or 0
  if args[3] == "once" then
    local count = tonumber(args[4]) or 1
    first = math.floor(n * size / count) + 1
    last = math.floor((n + 1) * size / count)
    assert(last >= first, "token pool " .. args[1] .. " has fewer tokens than wrk threads")
    index = first - 1
    once = true
  else
    first = 1
    last = size
    index = (n * 7919) % size
  end
end

function request()
  index = index + 1
  if index > last then
    index = first
    if once then wrapped = true end
  end
  if wrapped then reused = reused + 1 end
  return pool[index]
end

function done(summary, latency, requests)
  local e = summary.errors
  local total_reused = 0
  for _, thread in ipairs(threads) do total_reused = total_reused + (thread:get("reused") or 0) end
  io.write(string.format(
    'GATECHECK_WRK {"requests":%d,"duration_us":%d,"bytes":%d,"status_errors":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,"mean_us":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"reused":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, total_reused))
end
