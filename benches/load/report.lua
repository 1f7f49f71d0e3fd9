-- wrk script for benches/load: prints one machine-readable summary line (BENCH_JSON ...), counts
-- response statuses when BENCH_COUNT_STATUS=1 (the Lua response hook costs the load generator
-- time, so only the bad-token scenario turns it on), sends PATCH requests rotating over
-- BENCH_WRITE_KEYS secrets when that is set (the write scenario), and GET requests rotating over
-- BENCH_READ_PREFIX followed by 000 .. BENCH_READ_COUNT - 1 when that is set (the read-many
-- scenarios; the requests are formatted once, so the rotation costs the generator little).

local threads = {}
local count_status = os.getenv("BENCH_COUNT_STATUS") == "1"
local write_keys = tonumber(os.getenv("BENCH_WRITE_KEYS") or "0")
local write_prefix = os.getenv("BENCH_WRITE_PREFIX") or ""
local write_query = os.getenv("BENCH_WRITE_QUERY") or ""
local read_count = tonumber(os.getenv("BENCH_READ_COUNT") or "0")
local read_prefix = os.getenv("BENCH_READ_PREFIX") or ""
local reads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  s2xx, s401, s5xx, sother, sent = 0, 0, 0, 0, 0
  if write_keys > 0 then
    wrk.headers["Content-Type"] = "application/json"
  end
  for i = 0, read_count - 1 do
    reads[i + 1] = wrk.format("GET", string.format("%s%03d", read_prefix, i))
  end
end

if count_status then
  function response(status, headers, body)
    if status >= 200 and status < 300 then
      s2xx = s2xx + 1
    elseif status == 401 then
      s401 = s401 + 1
    elseif status >= 500 then
      s5xx = s5xx + 1
    else
      sother = sother + 1
    end
  end
end

if write_keys > 0 then
  function request()
    sent = sent + 1
    local path = string.format("%s%02d%s", write_prefix, (sent % write_keys) + 1, write_query)
    return wrk.format("PATCH", path, nil, string.format('{"value":"%064d"}', sent))
  end
end

if read_count > 0 then
  function request()
    sent = sent + 1
    return reads[(sent % read_count) + 1]
  end
end

function done(summary, latency, requests)
  local c = { s2xx = 0, s401 = 0, s5xx = 0, sother = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(c) do
      c[name] = c[name] + (thread:get(name) or 0)
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,' ..
    '"socket_errors":%d,"timeouts":%d,"http_errors":%d,"counted":%s,"s2xx":%d,"s401":%d,"s5xx":%d,"sother":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write, e.timeout, e.status, tostring(count_status),
    c.s2xx, c.s401, c.s5xx, c.sother))
end
