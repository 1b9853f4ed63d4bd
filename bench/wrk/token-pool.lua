-- wrk script: every request carries the next bearer token from a pool file (one token per line),
-- so a gateway's verified-token cache sees each token only once per pool cycle.
-- Usage: wrk ... -s token-pool.lua URL -- TOKENS_FILE PATH
-- Prints one line "GATECHECK_WRK {json}" at the end for bench/wrk/run-wrk.ts to parse.

local pool = {}
local size = 0
local index = 0
local threads = 0

function setup(thread)
  -- Threads start at different points of the pool so they never send the same token in lockstep.
  thread:set("offset", threads * 7919)
  threads = threads + 1
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
  index = (offset or 0) % size
end

function request()
  index = index % size + 1
  return pool[index]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'GATECHECK_WRK {"requests":%d,"duration_us":%d,"bytes":%d,"status_errors":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,"mean_us":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
