-- One load run of wrk, driven by environment variables (see bench/load.mjs):
--   BENCH_METHOD, BENCH_PATH, BENCH_AUTH (a key, optional), BENCH_BODY (optional);
--   "{id}" in the path or body is replaced by the next line of BENCH_IDS;
--   BENCH_ONCE=1: each id is used once, the thread stops when all are answered
--   (later requests go to /healthz, at most one per connection, and are counted);
--   BENCH_IDEMPOTENCY=1: a fresh Idempotency-Key on every request (as the SDK sends);
--   BENCH_REPORT: a file where done() writes the summary as JSON.
local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH") or "/healthz"
local auth = os.getenv("BENCH_AUTH")
local body = os.getenv("BENCH_BODY")
local ids_file = os.getenv("BENCH_IDS")
local once = os.getenv("BENCH_ONCE") == "1"
local idem = os.getenv("BENCH_IDEMPOTENCY") == "1"
local prefix = "wrk-" .. os.time() .. "-" .. tostring({}):gsub("[^%x]", "")

local ids = {}
if ids_file and ids_file ~= "" then
  for line in io.lines(ids_file) do if line ~= "" then ids[#ids + 1] = line end end
end

local headers = { ["Accept"] = "application/json" }
if auth and auth ~= "" then headers["Authorization"] = "Bearer " .. auth end
if body and body ~= "" then headers["Content-Type"] = "application/json" end

local next_id, answered, n = 0, 0, 0

request = function()
  n = n + 1
  if idem then headers["Idempotency-Key"] = prefix .. "-" .. n end
  if #ids == 0 then return wrk.format(method, path, headers, body) end
  next_id = next_id + 1
  if next_id > #ids then
    if once then return wrk.format("GET", "/healthz", { ["Accept"] = "text/plain" }) end
    next_id = 1
  end
  local id = ids[next_id]
  local p = path:gsub("{id}", id)
  local b = body and body:gsub("{id}", id) or nil
  return wrk.format(method, p, headers, b)
end

response = function(status, hdrs, resp_body)
  answered = answered + 1
  if once and answered >= #ids then wrk.thread:stop() end
end

done = function(summary, latency, requests)
  local out = os.getenv("BENCH_REPORT")
  if not out then return end
  local e = summary.errors
  local f = io.open(out, "w")
  f:write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"non2xx3xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
  f:close()
end
