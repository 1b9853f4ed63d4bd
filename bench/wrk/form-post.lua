-- wrk script: every request POSTs the same urlencoded form (a client-credentials token request).
-- Usage: wrk ... -s form-post.lua URL -- PATH FORM_FILE
-- Prints the same "GATECHECK_WRK {json}" line as token-pool.lua.

local req

function init(args)
  local file = assert(io.open(args[2], "r"))
  local body = file:read("*a")
  file:close()
  req = wrk.format("POST", args[1], { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end

function request()
  return req
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'GATECHECK_WRK {"requests":%d,"duration_us":%d,"bytes":%d,"status_errors":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,"mean_us":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
