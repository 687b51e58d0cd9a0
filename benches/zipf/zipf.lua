-- wrk script: product pages chosen with Zipf(s = 1.0) popularity over every product listed in
-- PATHS_FILE (one "/p/<id>-<slug>" per line; rank 1 is the first line). Each wrk thread builds
-- the cumulative distribution once and samples it by binary search.
local paths = {}
local cdf = {}

function init(args)
  local file = assert(io.open(os.getenv("PATHS_FILE"), "r"))
  for line in file:lines() do
    paths[#paths + 1] = line
  end
  file:close()
  local s = tonumber(os.getenv("ZIPF_S") or "1.0")
  local total = 0
  for rank = 1, #paths do
    total = total + 1 / rank ^ s
    cdf[rank] = total
  end
  for rank = 1, #paths do
    cdf[rank] = cdf[rank] / total
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local u = math.random()
  local lo, hi = 1, #cdf
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < u then lo = mid + 1 else hi = mid end
  end
  return wrk.format("GET", paths[lo])
end
