-- S9's write mix: each connection creates a customer, renames it, deletes it, again and again,
-- through the REST API, paced by BENCH_WRITE_DELAY_MS between requests. Ends with the same
-- BENCH_JSON line as report.lua; "bad" counts answers that were not 2xx.
local threads = {}
local delay_ms = tonumber(os.getenv("BENCH_WRITE_DELAY_MS") or "0")
local api = "/wp-json/wp-customer/v1/customers"

function setup(thread)
  thread:set("tag", string.format("%d-%d", os.time() % 100000, #threads + 1))
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  step = 0
  n = 0
  id = nil
  headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  headers["Content-Type"] = "application/json"
end

function request()
  if step == 0 then
    n = n + 1
    return wrk.format("POST", api, headers, string.format('{"name":"Bench %s %d"}', tag, n))
  elseif step == 1 then
    return wrk.format("PATCH", api .. "/" .. id, headers, string.format('{"name":"Bench %s %d renamed"}', tag, n))
  end
  return wrk.format("DELETE", api .. "/" .. id, headers, nil)
end

function response(status, headers_, body)
  if status >= 300 then
    bad = bad + 1
    step = 0
    return
  end
  if step == 0 then
    id = string.match(body, '"id":(%d+)')
    step = id and 1 or 0
  elseif step == 1 then
    step = 2
  else
    step = 0
  end
end

function delay()
  return delay_ms
end

function done(summary, latency, requests)
  local total_bad = 0
  for _, t in ipairs(threads) do
    total_bad = total_bad + (t:get("bad") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"bad":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, total_bad,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
