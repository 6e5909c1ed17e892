-- POST a different body each request, cycling through a file of bodies (one per line): password
-- grants of distinct users (each one a real check at the store), or the web service's own
-- requests. Each thread starts at its own offset in the file.
-- args: <file with one body per line> <Content-Type> <Authorization header value>
-- env:  WRK_THREADS (the -t value), so the threads start at different users
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
end

function init(args)
  bodies = {}
  for line in io.lines(args[1]) do table.insert(bodies, line) end
  local threads = tonumber(os.getenv("WRK_THREADS") or "1")
  next_body = math.floor((index - 1) * #bodies / threads)
  headers = { ["Content-Type"] = args[2], ["Authorization"] = args[3] }
end

function request()
  next_body = next_body % #bodies + 1
  return wrk.format("POST", nil, headers, bodies[next_body])
end
