-- wrk script for `POST /api/v1/orders`: every request is a new order ("buy now" of one unit of
-- a random product) by one of the pre-created shoppers, in rotation, with a distinct
-- Idempotency-Key. Arguments after `--`: tokens file (one bearer token a line), first and last
-- product id.
--
--   wrk -t2 -c64 -d15s -s benches/orders/orders.lua http://127.0.0.1:8080 -- tokens.txt 1 1000

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local tokens = {}
local first_product, last_product
local run
local n = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then tokens[#tokens + 1] = line end
  end
  first_product, last_product = tonumber(args[2]), tonumber(args[3])
  math.randomseed(os.time() * 1000 + tid)
  run = string.format("%d-%d", os.time(), math.random(1, 1000000000))
end

function request()
  n = n + 1
  local token = tokens[(n * 2 + tid) % #tokens + 1]
  local product = math.random(first_product, last_product)
  local body = string.format('{"items":[{"product_id":%d,"quantity":1}]}', product)
  return wrk.format("POST", "/api/v1/orders", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("bench-%s-%d-%d", run, tid, n),
  }, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_s=%.3f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
