-- POST a fixed form body with HTTP Basic client authentication.
-- args: <form body> <base64 of client_id:client_secret>
function init(args)
  wrk.method = "POST"
  wrk.body = args[1]
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Authorization"] = "Basic " .. args[2]
end
