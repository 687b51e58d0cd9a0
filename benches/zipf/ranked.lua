-- wrk script: asks for the first PREWARM product pages of PATHS_FILE once each, most popular
-- first (what a deploy's warming does with the previous deploy's most requested pages), then
-- stops. Thread t of n takes ranks t, t + n, t + 2n, … so the threads share the walk.
local paths = {}
local next_rank, stride, limit = 1, 1, 0

function setup(thread)
  thread_count = (thread_count or 0) + 1
  thread:set("first", thread_count)
end

function init(args)
  local file = assert(io.open(os.getenv("PATHS_FILE"), "r"))
  for line in file:lines() do
    paths[#paths + 1] = line
  end
  file:close()
  limit = math.min(tonumber(os.getenv("PREWARM") or "0"), #paths)
  stride = tonumber(os.getenv("WRK_THREADS") or "2")
  next_rank = first
end

function request()
  local rank = next_rank
  next_rank = next_rank + stride
  if rank > limit then
    rank = limit
  end
  return wrk.format("GET", paths[rank])
end

function response(status, headers, body)
  if next_rank > limit + stride then
    wrk.thread:stop()
  end
end
