-- Runs on the routes of creates whose request has a request_id field (services/mesh/edge.py
-- puts the field's number in the route's metadata). Marks the request retry-safe
-- (x-baraba-retry-safe: 1) only when its body actually carries a non-empty request_id, and
-- asks for the route again: the route for marked requests retries, the other never does.
-- The body is the gRPC message here (after transcoding, for REST): a 5-byte frame header,
-- then the protobuf encoding, whose top-level fields are read without a schema.

local function varint(s, i)
  local value, scale = 0, 1
  while i <= #s do
    local b = s:byte(i)
    i = i + 1
    value = value + (b % 128) * scale
    if b < 128 then
      return value, i
    end
    scale = scale * 128
    if scale > 2 ^ 63 then
      return nil
    end
  end
  return nil
end

-- Whether the last occurrence of length-delimited field `wanted` is non-empty (protobuf:
-- the last value of a repeated scalar field wins).
local function carries(s, wanted)
  if #s < 5 or s:byte(1) ~= 0 then -- too short, or compressed
    return false
  end
  local stop = 5 + s:byte(2) * 16777216 + s:byte(3) * 65536 + s:byte(4) * 256 + s:byte(5)
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

function envoy_on_request(handle)
  local field = handle:metadata():get("request_id_field")
  local body = handle:body()
  local safe = false
  if field and body and body:length() > 0 then
    safe = carries(body:getBytes(0, body:length()), field)
  end
  if safe then
    handle:headers():replace("x-baraba-retry-safe", "1")
  else
    handle:headers():remove("x-baraba-retry-safe")
  end
  handle:clearRouteCache()
end
