-- Server-side state of each player: who they are in the CAD, the active character, duty and the call they
-- work. Clients never hold any of it (nor the API token).
CadPlayers = { byId = {} }

function CadPlayers.get(src)
    src = tonumber(src)
    local p = CadPlayers.byId[src]
    if not p then
        p = { src = src, discord = nil, registered = false, user = nil, characters = {}, character = nil,
              onDuty = false, callsign = nil, status = nil, callId = nil, callNumber = nil, incoming = nil,
              street = '', cross = '', zone = '', lastSent = nil, vehicleRequest = nil }
        CadPlayers.byId[src] = p
    end
    return p
end

function CadPlayers.remove(src)
    CadPlayers.byId[tonumber(src)] = nil
end

-- The player's Discord user id (`discord:123...` → `123...`), or nil.
function CadPlayers.discordOf(src)
    for _, identifier in ipairs(GetPlayerIdentifiers(src) or {}) do
        local id = tostring(identifier):match('^discord:(%d+)$')
        if id then return id end
    end
    return nil
end

function CadPlayers.onDuty()
    local out = {}
    for src, p in pairs(CadPlayers.byId) do
        if p.onDuty and p.character then out[#out + 1] = p end
    end
    table.sort(out, function(a, b) return a.src < b.src end)
    return out
end

-- "[1-ADAM-12] John Smith": how the live map and alerts name the unit.
function CadPlayers.displayName(p)
    local name = CadUtil.fullName(p.character)
    local callsign = p.callsign or (p.character and p.character.callsign)
    if callsign and callsign ~= '' then return ('[%s] %s'):format(callsign, name) end
    return name
end

function CadPlayers.location(p)
    local parts = {}
    if p.street ~= '' then parts[#parts + 1] = p.street end
    if p.cross ~= '' then parts[#parts + 1] = p.cross end
    local text = table.concat(parts, ' / ')
    if p.zone ~= '' then text = text ~= '' and (text .. ', ' .. p.zone) or p.zone end
    return text
end

-- Raw OneSync coordinates of the player's ped (never scaled), or nil when the ped does not exist.
function CadPlayers.coords(src)
    local ped = GetPlayerPed(src)
    if not ped or ped == 0 then return nil end
    local c = GetEntityCoords(ped)
    if not c then return nil end
    return { x = c.x + 0.0, y = c.y + 0.0, z = c.z + 0.0, heading = (GetEntityHeading(ped) or 0) + 0.0 }
end
