-- Read scenarios: every answer is checked (HTTP status >= 400, or a DataTables "error" when
-- BENCH_DATATABLE=1, which a DataTables server sends with HTTP 200) and the run ends with one
-- machine-readable line for bench/wrk.py.
local threads = {}
local datatable = os.getenv("BENCH_DATATABLE") == "1"

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
end

function response(status, headers, body)
  if status >= 400 or (datatable and string.find(body, '"error":', 1, true)) then
    bad = bad + 1
  end
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
