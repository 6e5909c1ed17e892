-- refresh_token grants with rotation: each answer's new refresh token goes back into this
-- thread's pool, so every request presents a token that has never been used.
-- args: <file with one refresh token per line> <base64 of client_id:client_secret>
-- env:  WRK_THREADS (the -t value), so the tokens are split between the threads
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
end

function init(args)
  local threads = tonumber(os.getenv("WRK_THREADS") or "1")
  pool = {}
  local i = 0
  for line in io.lines(args[1]) do
    if (i % threads) == (index - 1) then table.insert(pool, line) end
    i = i + 1
  end
  basic = "Basic " .. args[2]
end

function request()
  -- an empty pool means every token is in flight; the invalid grant then shows in the counts
  local token = table.remove(pool) or "pool-exhausted"
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Authorization"] = basic
  }, "grant_type=refresh_token&refresh_token=" .. token)
end

function response(status, headers, body)
  local token = body:match('"refresh_token":"([^"]+)"')
  if token then table.insert(pool, token) end
end
