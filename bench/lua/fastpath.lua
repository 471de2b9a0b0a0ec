-- bench/fastpath.py's requests: one DataTables draw as the browser sends it (a form POST with the
-- WordPress cookie, and the REST nonce on the fast path), from the environment; answers checked
-- and reported as report.lua does.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded; charset=UTF-8"
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
local nonce = os.getenv("BENCH_WP_NONCE") or ""
if nonce ~= "" then
  wrk.headers["X-WP-Nonce"] = nonce
end
