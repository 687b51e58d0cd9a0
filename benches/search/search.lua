-- wrk script for `GET /api/v1/search`: rotates through the URLs in a file (one path a line),
-- each thread starting at a different place. Argument after `--`: the URL file.
--
--   wrk -t2 -c8 -d15s -s benches/search/search.lua http://127.0.0.1:18081 -- urls.txt

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local paths = {}
local n = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  n = (tid or 1) * 7919
end

function request()
  n = n + 1
  return wrk.format("GET", paths[n % #paths + 1], { ["Accept"] = "application/json" })
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_s=%.3f rps=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
