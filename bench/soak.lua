-- wrk script for bench/soak.sh: requests drawn at random from $SOAK_FILE, one per line:
--   METHOD<TAB>PATH<TAB>COOKIE<TAB>FORM-BODY   (the last two may be empty)
-- Counts answers by class (2xx, 3xx, 4xx, 5xx) per thread and prints the totals.
local lines = {}
for line in io.lines(os.getenv("SOAK_FILE")) do
  if #line > 0 then lines[#lines + 1] = line end
end
local origin = os.getenv("SOAK_ORIGIN")
local requests = {}
for i, line in ipairs(lines) do
  local method, path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t?([^\t]*)\t?(.*)$")
  local headers = { ["Accept-Encoding"] = "gzip, deflate, br" }
  if cookie ~= nil and #cookie > 0 then headers["Cookie"] = cookie end
  if method == "POST" then
    headers["Origin"] = origin
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
  requests[i] = wrk.format(method, path, headers, (method == "POST") and body or nil)
end

local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  math.randomseed(os.time() + id * 7919)
  counts = { [2] = 0, [3] = 0, [4] = 0, [5] = 0 }
end

function request()
  return requests[math.random(#requests)]
end

function response(status, headers, body)
  local class = math.floor(status / 100)
  counts[class] = (counts[class] or 0) + 1
end

function done(summary, latency, requests)
  local total = { [2] = 0, [3] = 0, [4] = 0, [5] = 0 }
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k, v in pairs(c) do total[k] = (total[k] or 0) + v end
  end
  io.write(string.format("SOAK %d %d %d %d %.2f %.2f %.0f\n", total[2], total[3], total[4], total[5],
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6)))
end
