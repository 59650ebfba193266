-- Plain Lua 5.4 helpers shared by the server and the client (no natives, no CfxLua syntax).
CadUtil = {}

function CadUtil.trim(s)
    return (tostring(s or ''):gsub('^%s+', ''):gsub('%s+$', ''))
end

-- The words of a command line, and everything after the first `n` words as one string.
function CadUtil.rest(args, from)
    local parts = {}
    for i = from or 1, #(args or {}) do parts[#parts + 1] = tostring(args[i]) end
    return CadUtil.trim(table.concat(parts, ' '))
end

-- Plates are stored upper-case, letters and digits only (004).
function CadUtil.plate(s)
    return (tostring(s or ''):upper():gsub('[^%w]', ''))
end

-- 004's /lookup routing: one upper-case token of 2-8 letters/digits is a plate, anything else a name.
function CadUtil.looksLikePlate(s)
    s = CadUtil.trim(s)
    return s:match('^[%u%d]+$') ~= nil and #s >= 2 and #s <= 8
end

function CadUtil.isUuid(s)
    return type(s) == 'string' and s:lower():match('^%x%x%x%x%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x$') ~= nil
end

function CadUtil.urlencode(s)
    return (tostring(s):gsub('[^%w%-%._~]', function(c) return string.format('%%%02X', string.byte(c)) end))
end

-- "title | description" → title, description (the pipe is optional).
function CadUtil.splitPipe(s)
    local a, b = tostring(s or ''):match('^(.-)%s*|%s*(.*)$')
    if a then return CadUtil.trim(a), CadUtil.trim(b) end
    return CadUtil.trim(s), ''
end

function CadUtil.distance2d(a, b)
    local dx, dy = a.x - b.x, a.y - b.y
    return math.sqrt(dx * dx + dy * dy)
end

-- Smallest angle between two headings, in degrees.
function CadUtil.turn(a, b)
    local d = math.abs((a or 0) - (b or 0)) % 360
    return d > 180 and 360 - d or d
end

function CadUtil.fullName(c)
    if not c then return '' end
    return CadUtil.trim((c.first_name or '') .. ' ' .. (c.last_name or ''))
end

function CadUtil.truncate(s, n)
    s = tostring(s or '')
    if #s <= n then return s end
    return s:sub(1, n - 3) .. '...'
end
