-- FiveM glue: configuration from convars, the HTTP client, commands, events and the timed loops.
-- Everything it wires lives in plain Lua modules (http, players, commands, positions).
local function convar(name, fallback)
    local value = GetConvar(name, '')
    if value == nil or value == '' then return fallback or '' end
    return value
end

Cad = {
    http = CadHttp.new({
        url = convar('cad_url', Config.CadUrl),
        token = convar('cad_token', Config.CadToken),
        perform = PerformHttpRequest,
        now = GetGameTimer,
        encode = json.encode,
        decode = json.decode,
        log = function(level, message) print(('[cad_mdt] %s: %s'):format(level, message)) end,
        settings = Config.Http,
    }),
    sounds = {},
    codes = nil,
    calls = {},     -- id → call, for waypoints and the overlay
    seen = {},      -- call id → when the poll first saw it
}

function Cad.sound(event)
    local s = Cad.sounds[event]
    if s == nil then return { event = event, enabled = true, volume = 0.7 } end
    return s
end

function Cad.statusCodes()
    if Cad.codes and #Cad.codes > 0 then return Cad.codes end
    return Config.StatusCodes
end

function Cad.rememberCall(call)
    if type(call) == 'table' and call.id then Cad.calls[call.id] = call end
end

local function loadCommunitySettings()
    Cad.http:get('/fivem/sounds', function(status, data)
        if status == 200 and type(data) == 'table' then
            for _, s in ipairs(data) do if s.event then Cad.sounds[s.event] = s end end
        end
    end)
    Cad.http:get('/fivem/status-codes', function(status, data)
        if status == 200 and type(data) == 'table' then Cad.codes = data end
    end)
end

-- --- commands ----------------------------------------------------------------------------------------
local SUGGESTIONS = {
    duty = 'Go on or off duty', cadchar = 'Choose your active character', cadcall = 'Create a call (on duty)',
    call911 = 'Call 911', respond = 'Respond to a call', onscene = 'Mark yourself on scene',
    closecall = 'Close your active call', clearcall = 'Clear from your active call',
    scenecommand = 'Take scene command', releasescene = 'Release scene command', status = 'List or set your status',
    lookup = 'Look up a name or plate', report = 'File a report', citation = 'Issue a citation',
    ts = 'Log a traffic stop', regvehicle = 'Register the vehicle you are in', delvehicle = 'Deregister your vehicle',
    stolenvehicle = 'Mark a vehicle stolen', recovervehicle = 'Mark a vehicle recovered', bolo = 'Create a BOLO',
    cadstatus = 'Check the CAD connection (admins)',
}

for key, name in pairs(Config.Commands) do
    if name then
        RegisterCommand(name, function(source, args, raw) CadCommands.run(key, source, args, raw) end, false)
    end
end

local function suggest(src)
    local list = {}
    for key, name in pairs(Config.Commands) do
        if name then list[#list + 1] = { name = '/' .. name, help = SUGGESTIONS[key] or '' } end
    end
    TriggerClientEvent('chat:addSuggestions', src, list)
end

-- --- players -----------------------------------------------------------------------------------------
local function joined(src)
    suggest(src)
    CadCommands.connect(src)
end

AddEventHandler('playerJoining', function()
    joined(source)
end)

AddEventHandler('playerDropped', function()
    local src = source
    local p = CadPlayers.byId[tonumber(src)]
    if p and p.onDuty and p.character and Config.OffDutyOnDrop then
        Cad.http:post('/fivem/duty', { character_id = p.character.id, action = 'off' })
    end
    CadPlayers.remove(src)
end)

AddEventHandler('onResourceStart', function(resource)
    if resource ~= GetCurrentResourceName() then return end
    if not Cad.http:configured() then
        print('[cad_mdt] error: set cad_url and cad_token in server.cfg (set, not setr), then restart cad_mdt.')
        return
    end
    loadCommunitySettings()
    for _, id in ipairs(GetPlayers()) do joined(tonumber(id)) end
end)

-- Events from our own client script. Nothing a client sends is trusted beyond its own player: the
-- source is the player, coordinates are always read on the server.
RegisterNetEvent('cad_mdt:location')
AddEventHandler('cad_mdt:location', function(street, cross, zone)
    local p = CadPlayers.get(source)
    p.street = CadUtil.truncate(type(street) == 'string' and street or '', 80)
    p.cross = CadUtil.truncate(type(cross) == 'string' and cross or '', 80)
    p.zone = CadUtil.truncate(type(zone) == 'string' and zone or '', 80)
end)

RegisterNetEvent('cad_mdt:panic')
AddEventHandler('cad_mdt:panic', function() CadCommands.panic(source) end)

RegisterNetEvent('cad_mdt:respondIncoming')
AddEventHandler('cad_mdt:respondIncoming', function() CadCommands.respondIncoming(source) end)

RegisterNetEvent('cad_mdt:dismissIncoming')
AddEventHandler('cad_mdt:dismissIncoming', function() CadCommands.dismissIncoming(source) end)

RegisterNetEvent('cad_mdt:vehicleInfo')
AddEventHandler('cad_mdt:vehicleInfo', function(requestId, info) CadCommands.vehicleInfo(source, requestId, info) end)

RegisterNetEvent('cad_mdt:formSubmit')
AddEventHandler('cad_mdt:formSubmit', function(name, values) CadCommands.formSubmit(source, name, values) end)

-- --- loops -------------------------------------------------------------------------------------------
-- Incoming calls for on-duty units: GET /fivem/poll-calls (the CAD's SSE stream is out of reach of
-- PerformHttpRequest) every PollIntervalMs; a call is announced once.
function Cad.poll()
    local units = CadPlayers.onDuty()
    if #units == 0 then return end
    Cad.http:get('/fivem/poll-calls', function(status, data)
        if status ~= 200 or type(data) ~= 'table' then return end
        local now = GetGameTimer()
        for id, at in pairs(Cad.seen) do
            if now - at > 120000 then Cad.seen[id] = nil; Cad.calls[id] = nil end
        end
        for _, call in ipairs(data.calls or {}) do
            if call.id and not Cad.seen[call.id] then
                Cad.seen[call.id] = now
                Cad.rememberCall(call)
                local panic = tostring(call.title or ''):find('^PANIC') ~= nil
                local notice = { id = call.id, call_number = call.call_number, title = call.title,
                                 location = call.location, postal = call.postal, priority = call.priority }
                for _, p in ipairs(CadPlayers.onDuty()) do
                    p.incoming = notice
                    TriggerClientEvent('cad_mdt:incomingCall', p.src, notice, Cad.sound(panic and 'panic' or 'new_call'))
                end
            end
        end
    end, { key = 'poll' })
end

CreateThread(function()
    while true do
        Wait(Config.PositionIntervalMs)
        CadPositions.tick()
    end
end)

CreateThread(function()
    while true do
        Wait(Config.PollIntervalMs)
        Cad.poll()
    end
end)

-- Releases retries and the queue after a 429 pause.
CreateThread(function()
    while true do
        Wait(250)
        Cad.http:pump()
    end
end)
