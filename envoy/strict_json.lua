-- Refuses headers gRPC cannot carry, and JSON request bodies that carry a field the contract does not know: Envoy's
-- transcoder silently drops them, and a misspelt field that vanishes can book a duplicate or
-- leave an entry out of a VAT return. services/mesh/edge.py prepends ROUTES (verb, Lua
-- pattern of the path, the body's message type, the prefix of its field names) and MESSAGES
-- (per message type: JSON name -> {k = kind, t = message type}) rendered from the contracts.
-- Kinds: s scalar, m message, r repeated scalar, R repeated message, M map of scalars,
-- N map of messages, a any JSON (well-known types such as Timestamp or Struct).
-- The walk only looks at keys and at objects and lists where the contract wants a single
-- value; everything else (number ranges, enum names, base64) is the transcoder's to judge.

local byte, find, sub = string.byte, string.find, string.sub
local MAX_DEPTH = 64

local function fail(path, why)
  error({ path = path, why = why }, 0)
end

local function ws(s, i)
  return find(s, "[^ \t\r\n]", i) or (#s + 1)
end

-- The end of the string starting at i: a plain search for the next quote (fast, memchr-like),
-- then an odd run of backslashes before it means the quote is escaped.
local function skip_string(s, i)
  local j = i + 1
  while true do
    local k = find(s, '"', j, true)
    if not k then
      fail(nil, "is not valid JSON")
    end
    local b = k - 1
    while byte(s, b) == 92 do
      b = b - 1
    end
    if (k - 1 - b) % 2 == 0 then
      return k + 1
    end
    j = k + 1
  end
end

-- The path to the value being read, kept as a trail of keys and list indices and joined
-- only when something is reported: building it for every value would cost more than the walk.
local trail = {}

local function path_to(depth)
  local out = ""
  for d = 1, depth do
    local step = trail[d]
    if type(step) == "number" then
      out = out .. "[" .. step .. "]"
    elseif out == "" then
      out = step
    else
      out = out .. "." .. step
    end
  end
  return out
end

local function fail_at(depth, why)
  fail(path_to(depth), why)
end

local value

local function object(s, i, spec, depth)
  local fields = spec and spec.k == "m" and MESSAGES[spec.t]
  local entry = nil
  if spec and spec.k == "M" then
    entry = { k = "s" }
  elseif spec and spec.k == "N" then
    entry = { k = "m", t = spec.t }
  end
  i = ws(s, i + 1)
  if byte(s, i) == 125 then
    return i + 1
  end
  while true do
    if byte(s, i) ~= 34 then
      fail(nil, "is not valid JSON")
    end
    local after = skip_string(s, i)
    local key = sub(s, i + 1, after - 2)
    local child = entry
    trail[depth + 1] = key
    if fields then
      child = fields[key]
      if not child then
        fail_at(depth + 1, "is not a field of this request")
      end
    end
    i = ws(s, after)
    if byte(s, i) ~= 58 then
      fail(nil, "is not valid JSON")
    end
    i = ws(s, value(s, ws(s, i + 1), child, depth + 1))
    local c = byte(s, i)
    if c == 125 then
      return i + 1
    end
    if c ~= 44 then
      fail(nil, "is not valid JSON")
    end
    i = ws(s, i + 1)
  end
end

local function array(s, i, spec, depth)
  local item = nil
  if spec and spec.k == "R" then
    item = { k = "m", t = spec.t }
  elseif spec and spec.k == "r" then
    item = { k = "s" }
  end
  i = ws(s, i + 1)
  if byte(s, i) == 93 then
    return i + 1
  end
  local n = 0
  while true do
    trail[depth + 1] = n
    i = ws(s, value(s, i, item, depth + 1))
    local c = byte(s, i)
    if c == 93 then
      return i + 1
    end
    if c ~= 44 then
      fail(nil, "is not valid JSON")
    end
    i = ws(s, i + 1)
    n = n + 1
  end
end

value = function(s, i, spec, depth)
  if depth > MAX_DEPTH then
    fail_at(depth, "is nested too deeply")
  end
  local c = byte(s, i)
  local kind = spec and spec.k
  if c == 123 then
    if kind == "s" or kind == "r" or kind == "R" then
      fail_at(depth, "must not be an object")
    end
    return object(s, i, spec, depth)
  elseif c == 91 then
    if kind == "s" or kind == "m" or kind == "M" or kind == "N" then
      fail_at(depth, "must not be a list")
    end
    return array(s, i, spec, depth)
  elseif c == 34 then
    return skip_string(s, i)
  end
  local e = find(s, "[,%]} \t\r\n]", i) or (#s + 1)
  if e == i then
    fail(nil, "is not valid JSON")
  end
  return e
end

local function route_of(verb, path)
  for _, route in ipairs(ROUTES) do
    if route.verb == verb and find(path, route.pattern) then
      return route
    end
  end
  return nil
end

-- gRPC metadata is stricter than HTTP: a header name outside [0-9a-z_.-] or a value outside
-- printable ASCII (except in "-bin" headers) makes the service's gRPC library fail the call.
local function bad_header(headers)
  for name, value in pairs(headers) do
    if byte(name, 1) ~= 58 then -- ":" pseudo-headers are Envoy's own
      if find(name, "[^0-9a-z_%.%-]") then
        return name, "is not a valid header name"
      end
      if sub(name, -4) ~= "-bin" and find(value, "[^\32-\126\t]") then
        return name, "must be printable ASCII"
      end
    end
  end
  return nil
end

function envoy_on_request(handle)
  local headers = handle:headers()
  local name, why = bad_header(headers)
  if name then
    handle:respond({ [":status"] = "400", ["content-type"] = "text/plain" }, "header " .. name .. ": " .. why)
    return
  end
  local content_type = headers:get("content-type") or ""
  if find(content_type, "^application/grpc") then
    return
  end
  local path = headers:get(":path")
  local query = find(path, "?", 1, true)
  if query then
    path = sub(path, 1, query - 1)
  end
  local route = route_of(headers:get(":method"), path)
  if not route then
    return
  end
  local body = handle:body()
  if not body or body:length() == 0 then
    return
  end
  local s = body:getBytes(0, body:length())
  local start = ws(s, 1)
  if start > #s then
    return
  end
  local ok, problem = pcall(function()
    local depth = 0
    if route.prefix ~= "" then
      trail[1] = route.prefix
      depth = 1
    end
    if byte(s, start) ~= 123 then
      fail_at(depth, "must be a JSON object")
    end
    if ws(s, value(s, start, { k = "m", t = route.type }, depth)) <= #s then
      fail(nil, "is not valid JSON")
    end
  end)
  if not ok then
    if type(problem) ~= "table" then
      problem = { path = nil, why = "is not valid JSON" }
    end
    local field = problem.path
    if field == nil or field == "" then
      field = "body"
    end
    handle:respond({ [":status"] = "400", ["content-type"] = "text/plain" }, field .. ": " .. problem.why)
  end
end
