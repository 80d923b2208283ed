-- Refuses headers gRPC cannot carry, and JSON request bodies that carry a field the contract does not know: Envoy's
-- transcoder silently drops them, and a misspelt field that vanishes can book a duplicate or
-- leave an entry out of a VAT return. services/mesh/edge.py prepends ROUTES (verb, Lua
-- pattern of the path, the body's message type, the prefix of its field names, and for a
-- create with a request_id field `rid`), MESSAGES (per message type: JSON name -> {k = kind,
-- t = message type}) and GRPC_REQUEST_ID (the native gRPC path of such a create -> the
-- request_id field's number), rendered from the contracts.
-- Kinds: s scalar, m message, r repeated scalar, R repeated message, M map of scalars,
-- N map of messages, a any JSON (well-known types such as Timestamp or Struct).
-- The walk only looks at keys and at objects and lists where the contract wants a single
-- value; everything else (number ranges, enum names, base64) is the transcoder's to judge.
--
-- It also marks a create retry-safe (x-baraba-retry-safe: 1) only when its body carries a
-- non-empty request_id, which it sees on the way (JSON), or reads from the protobuf (native
-- gRPC); the edge's route for marked requests retries, the other never does. The header is
-- never taken from outside. For REST the transcoder picks the route again after rewriting
-- the path, so the mark counts; for native gRPC this filter asks for it.

local byte, find, sub = string.byte, string.find, string.sub
local MAX_DEPTH = 64
local RETRY_SAFE = "x-baraba-retry-safe"

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
local has_request_id = false

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
    i = ws(s, i + 1)
    if depth == 0 and (key == "request_id" or key == "requestId") then
      -- The last one counts, as in protobuf: a string of at least one character.
      has_request_id = byte(s, i) == 34 and byte(s, i + 1) ~= 34
    end
    i = ws(s, value(s, i, child, depth + 1))
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

-- The protobuf side of the retry-safe mark (native gRPC): whether the last occurrence of
-- length-delimited top-level field `wanted` is non-empty. `s` is the gRPC message: a 5-byte
-- frame header, then the protobuf encoding, read without a schema.
local function varint(s, i)
  local number, scale = 0, 1
  while i <= #s do
    local b = byte(s, i)
    i = i + 1
    number = number + (b % 128) * scale
    if b < 128 then
      return number, i
    end
    scale = scale * 128
    if scale > 2 ^ 63 then
      return nil
    end
  end
  return nil
end

local function carries(s, wanted)
  if #s < 5 or byte(s, 1) ~= 0 then -- too short, or compressed
    return false
  end
  local stop = 5 + byte(s, 2) * 16777216 + byte(s, 3) * 65536 + byte(s, 4) * 256 + byte(s, 5)
  if stop > #s then
    return false
  end
  local found, i = false, 6
  while i <= stop do
    local key, j = varint(s, i)
    if not key then
      return false
    end
    local number, wire = math.floor(key / 8), key % 8
    i = j
    if wire == 0 then
      local _, k = varint(s, i)
      if not k then
        return false
      end
      i = k
    elseif wire == 1 then
      i = i + 8
    elseif wire == 5 then
      i = i + 4
    elseif wire == 2 then
      local length, k = varint(s, i)
      if not length then
        return false
      end
      if number == wanted then
        found = length > 0
      end
      i = k + length
    else
      return false
    end
  end
  return found and i == stop + 1
end

-- gRPC metadata is stricter than HTTP: a header name outside [0-9a-z_.-] or a value outside
-- printable ASCII (except in "-bin" headers) makes the service's gRPC library fail the call.
-- Also says whether the request came with the retry-safe mark, which only this filter sets.
local function check_headers(headers)
  local marked = false
  for name, value in pairs(headers) do
    if byte(name, 1) ~= 58 then -- ":" pseudo-headers are Envoy's own
      if find(name, "[^0-9a-z_%.%-]") then
        return name, "is not a valid header name", marked
      end
      if sub(name, -4) ~= "-bin" and find(value, "[^\32-\126\t]") then
        return name, "must be printable ASCII", marked
      end
      if name == RETRY_SAFE then
        marked = true
      end
    end
  end
  return nil, nil, marked
end

local function bytes_of(handle)
  local body = handle:body()
  if not body or body:length() == 0 then
    return nil
  end
  return body:getBytes(0, body:length())
end

function envoy_on_request(handle)
  local headers = handle:headers()
  local name, why, marked = check_headers(headers)
  if name then
    handle:respond({ [":status"] = "400", ["content-type"] = "text/plain" }, "header " .. name .. ": " .. why)
    return
  end
  if marked then
    headers:remove(RETRY_SAFE)
  end
  local path = headers:get(":path")
  local content_type = headers:get("content-type") or ""
  if find(content_type, "^application/grpc") then
    local field = GRPC_REQUEST_ID[path]
    if field then
      local s = bytes_of(handle)
      if s and carries(s, field) then
        handle:headers():replace(RETRY_SAFE, "1") -- `headers` lapsed when body() waited
      end
      if s or marked then
        handle:clearRouteCache()
      end
    end
    return
  end
  local query = find(path, "?", 1, true)
  if query then
    path = sub(path, 1, query - 1)
  end
  local route = route_of(headers:get(":method"), path)
  if not route then
    return
  end
  local s = bytes_of(handle)
  if not s then
    return
  end
  local start = ws(s, 1)
  if start > #s then
    return
  end
  has_request_id = false
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
    return
  end
  if route.rid and has_request_id then
    -- `headers` lapsed when body() waited; the transcoder picks the route again after this filter
    handle:headers():replace(RETRY_SAFE, "1")
  end
end
