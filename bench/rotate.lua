-- wrk script: requests the paths listed in the file named by $PATHS_FILE (one per line)
-- in turn, so that a run visits many different pages rather than one.
local paths = {}
for line in io.lines(os.getenv("PATHS_FILE")) do
  if #line > 0 then paths[#paths + 1] = line end
end
local i = math.random(#paths)
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
