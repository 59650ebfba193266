-- A shim of the FiveM natives cad_mdt uses, for tests under plain Lua 5.4 (lupa).
--
-- One "world": a controllable clock and a cooperative scheduler (CreateThread / Wait / SetTimeout run as
-- coroutines, woken when the clock reaches them), the server environment (server natives, the resource's
-- shared + server scripts loaded in fxmanifest.lua order) and one client environment per player (client
-- natives, shared + client scripts). Net events cross between them asynchronously, like the real thing.
-- PerformHttpRequest does real HTTP through the host (Python) and calls back on a later step; a failing
-- response hands the script its body as errorData and no headers, as FXServer does.
--
-- host: { http = function(method, url, body, headers) -> status, body, headers,
--         json_encode = function(value) -> string, json_decode = function(string) -> value }
local World = {}
World.__index = World

local function deepcopy(v, seen)
    if type(v) ~= 'table' then
        if type(v) == 'function' then return nil end  -- functions do not cross the network
        return v
    end
    seen = seen or {}
    if seen[v] then return seen[v] end
    local out = {}
    seen[v] = out
    for k, x in pairs(v) do out[deepcopy(k, seen)] = deepcopy(x, seen) end
    return out
end

local function words(line)
    local out = {}
    for w in line:gmatch('%S+') do out[#out + 1] = w end
    return out
end

function World.new(host, root)
    local w = setmetatable({}, World)
    w.host, w.root = host, root
    w.now = 0
    w.threads, w.queue, w.errors, w.printed = {}, {}, {}, {}
    w.http_log, w.to_clients = {}, {}
    w.convars, w.players, w.peds, w.vehicles, w.aces, w.models = {}, {}, {}, {}, {}, {}
    w.streets = { [1] = 'Vespucci Boulevard', [2] = 'San Andreas Avenue' }
    w.clients = {}
    w.manifest = w:read_manifest()
    return w
end

-- --- manifest -------------------------------------------------------------------------------------------
function World:read_manifest()
    local manifest = {}
    local env = setmetatable({}, { __index = function(_, key)
        return function(value) manifest[key] = value end
    end })
    local chunk = assert(loadfile(self.root .. '/fxmanifest.lua', 't', env))
    chunk()
    return manifest
end

function World:load_scripts(env, lists)
    for _, list in ipairs(lists) do
        for _, file in ipairs(self.manifest[list] or {}) do
            local chunk, err = loadfile(self.root .. '/' .. file, 't', env)
            if not chunk then error(err) end
            chunk()
        end
    end
end

-- --- scheduler ------------------------------------------------------------------------------------------
function World:spawn(fn, delay, label)
    local co = coroutine.create(fn)
    self.threads[#self.threads + 1] = { co = co, wake = self.now + (delay or 0), label = label }
end

function World:later(fn)
    self.queue[#self.queue + 1] = fn
end

function World:fail(where, err)
    local message = ('%s: %s'):format(where, tostring(err))
    self.errors[#self.errors + 1] = message
end

-- Run everything due now: queued callbacks (HTTP answers, net events) and threads whose time came.
function World:settle()
    for _ = 1, 100000 do
        if #self.queue > 0 then
            local fn = table.remove(self.queue, 1)
            local ok, err = xpcall(fn, debug.traceback)
            if not ok then self:fail('callback', err) end
        else
            local due = nil
            for i, t in ipairs(self.threads) do
                if t.wake <= self.now then due = i break end
            end
            if not due then return end
            local t = table.remove(self.threads, due)
            local ok, ms = coroutine.resume(t.co)
            if not ok then
                self:fail('thread', debug.traceback(t.co, ms))
            elseif coroutine.status(t.co) ~= 'dead' then
                t.wake = self.now + math.max(tonumber(ms) or 0, 1)
                self.threads[#self.threads + 1] = t
            end
        end
    end
    error('the scheduler did not settle (a loop without Wait?)')
end

-- Move the clock forward by `ms`, waking threads in time order.
function World:advance(ms)
    local target = self.now + ms
    self:settle()
    while true do
        local next_wake = nil
        for _, t in ipairs(self.threads) do
            if t.wake <= target and (not next_wake or t.wake < next_wake) then next_wake = t.wake end
        end
        if not next_wake then break end
        self.now = math.max(self.now, next_wake)
        self:settle()
    end
    self.now = target
    self:settle()
end

-- --- events ---------------------------------------------------------------------------------------------
local function handlers_of(env, name)
    env.__handlers[name] = env.__handlers[name] or {}
    return env.__handlers[name]
end

function World:dispatch(env, name, src, args)
    for _, fn in ipairs(env.__handlers[name] or {}) do
        local previous = env.source
        env.source = src
        local ok, err = xpcall(fn, debug.traceback, table.unpack(args, 1, args.n))
        env.source = previous
        if not ok then self:fail('event ' .. name, err) end
    end
end

function World:server_event(name, src, ...)
    local args = deepcopy(table.pack(...))
    self:later(function() self:dispatch(self.server, name, src, args) end)
end

function World:client_event(id, name, ...)
    local args = deepcopy(table.pack(...))
    self.to_clients[#self.to_clients + 1] = { target = tonumber(id), name = name,
                                              args = { table.unpack(deepcopy(args), 1, args.n) } }
    local targets = {}
    if tonumber(id) == -1 then
        for pid in pairs(self.clients) do targets[#targets + 1] = pid end
    elseif self.clients[tonumber(id)] then
        targets[1] = tonumber(id)
    end
    for _, pid in ipairs(targets) do
        local client = self.clients[pid]
        self:later(function() self:dispatch(client.env, name, 0, args) end)
    end
end

-- --- natives common to both sides ---------------------------------------------------------------------
function World:base_env(side)
    local w = self
    local env = setmetatable({ __handlers = {}, __commands = {}, __side = side }, { __index = _G })
    env._G = env
    env.json = { encode = function(v) return w.host.json_encode(v) end,
                 decode = function(s) return w.host.json_decode(s) end }
    env.print = function(...)
        local parts = table.pack(...)
        for i = 1, parts.n do parts[i] = tostring(parts[i]) end
        w.printed[#w.printed + 1] = table.concat(parts, ' ', 1, parts.n)
    end
    env.GetGameTimer = function() return w.now end
    env.CreateThread = function(fn) w:spawn(fn, 0) end
    env.SetTimeout = function(ms, fn) w:spawn(fn, ms) end
    env.Wait = function(ms) return coroutine.yield(ms) end
    env.Citizen = { CreateThread = env.CreateThread, SetTimeout = env.SetTimeout, Wait = env.Wait }
    env.RegisterNetEvent = function(name, fn) if fn then table.insert(handlers_of(env, name), fn) end end
    env.AddEventHandler = function(name, fn) table.insert(handlers_of(env, name), fn) end
    env.TriggerEvent = function(name, ...) w:dispatch(env, name, env.source, table.pack(...)) end
    env.RegisterCommand = function(name, fn, restricted)
        env.__commands[name] = { fn = fn, restricted = restricted }
    end
    env.GetCurrentResourceName = function() return 'cad_mdt' end
    env.GetEntityCoords = function(ped)
        local p = w.peds[ped]
        if not p then return { x = 0.0, y = 0.0, z = 0.0 } end
        return { x = p.x, y = p.y, z = p.z }
    end
    env.GetEntityHeading = function(ped) return (w.peds[ped] or {}).heading or 0.0 end
    env.GetVehiclePedIsIn = function(ped) return (w.peds[ped] or {}).vehicle or 0 end
    env.GetEntityModel = function(entity) return (w.vehicles[entity] or {}).model or 0 end
    return env
end

-- --- the server -----------------------------------------------------------------------------------------
function World:start_server()
    local w = self
    local env = self:base_env('server')
    self.server = env
    env.GetConvar = function(name, default)
        local v = w.convars[name]
        if v == nil then return default end
        return v
    end
    env.PerformHttpRequest = function(url, cb, method, data, headers)
        local status, body, response_headers = w.host.http(method or 'GET', url, data or '', headers or {})
        w.http_log[#w.http_log + 1] = { method = method or 'GET', url = url, body = data, status = status,
                                         response = body, at = w.now }
        w:later(function()
            if status >= 200 and status < 300 then
                cb(status, body, response_headers, nil)
            else
                cb(status, nil, {}, body)  -- the body of a failing response, but not its headers
            end
        end)
    end
    env.GetPlayerIdentifiers = function(src) return (w.players[tonumber(src)] or {}).identifiers or {} end
    env.GetPlayerName = function(src) return (w.players[tonumber(src)] or {}).name end
    env.GetPlayers = function()
        local out = {}
        for id in pairs(w.players) do out[#out + 1] = tostring(id) end
        table.sort(out)
        return out
    end
    env.GetPlayerPed = function(src) return (w.players[tonumber(src)] or {}).ped or 0 end
    env.GetVehicleNumberPlateText = function(vehicle) return (w.vehicles[vehicle] or {}).plate or '' end
    env.IsPlayerAceAllowed = function(src, ace) return ((w.aces[tonumber(src)] or {})[ace]) == true end
    env.TriggerClientEvent = function(name, target, ...) w:client_event(target, name, ...) end
    self:load_scripts(env, { 'shared_scripts', 'server_scripts' })
    self:server_event('onResourceStart', 0, 'cad_mdt')
    self:settle()
    return env
end

-- --- players and their clients -----------------------------------------------------------------------
function World:join(id, identifiers, name, at)
    local w = self
    local ped = 1000 + id
    self.players[id] = { identifiers = identifiers, name = name, ped = ped }
    self.peds[ped] = { x = at.x, y = at.y, z = at.z, heading = at.heading or 0.0, vehicle = 0 }
    local env = self:base_env('client')
    local client = { env = env, id = id, nui = {}, notifications = {}, blips = {}, keymaps = {}, waypoint = nil,
                     focus = false, nui_callbacks = {}, pending_text = {} }
    self.clients[id] = client
    env.PlayerPedId = function() return ped end
    env.PlayerId = function() return id end
    env.TriggerServerEvent = function(event, ...) w:server_event(event, id, ...) end
    env.RegisterKeyMapping = function(command, description, mapper, key)
        client.keymaps[command] = { description = description, mapper = mapper, key = key }
    end
    env.SendNUIMessage = function(message) client.nui[#client.nui + 1] = deepcopy(message) end
    env.SetNuiFocus = function(focus) client.focus = focus end
    env.RegisterNUICallback = function(cbname, fn) client.nui_callbacks[cbname] = fn end
    env.SetNewWaypoint = function(x, y) client.waypoint = { x = x, y = y } end
    env.BeginTextCommandThefeedPost = function() client.pending_text = {} end
    env.AddTextComponentSubstringPlayerName = function(text) table.insert(client.pending_text, text) end
    env.EndTextCommandThefeedPostTicker = function()
        client.notifications[#client.notifications + 1] = table.concat(client.pending_text)
    end
    local next_blip = 0
    env.AddBlipForCoord = function(x, y, z)
        next_blip = next_blip + 1
        client.blips[next_blip] = { x = x, y = y, z = z, flashes = false, created = w.now }
        return next_blip
    end
    env.SetBlipSprite = function(b, v) if client.blips[b] then client.blips[b].sprite = v end end
    env.SetBlipColour = function(b, v) if client.blips[b] then client.blips[b].colour = v end end
    env.SetBlipScale = function(b, v) if client.blips[b] then client.blips[b].scale = v end end
    env.SetBlipFlashes = function(b, v) if client.blips[b] then client.blips[b].flashes = v end end
    env.BeginTextCommandSetBlipName = function() client.pending_text = {} end
    env.EndTextCommandSetBlipName = function(b)
        if client.blips[b] then client.blips[b].name = table.concat(client.pending_text) end
    end
    env.RemoveBlip = function(b) client.blips[b] = nil end
    env.GetStreetNameAtCoord = function() return 1, 2 end
    env.GetStreetNameFromHashKey = function(hash) return w.streets[hash] or '' end
    env.GetNameOfZone = function() return 'LEGSQU' end
    env.GetLabelText = function(label) return ({ LEGSQU = 'Legion Square' })[label] or label end
    env.GetMakeNameFromVehicleModel = function(model) return (w.models[model] or {}).make or 'NULL' end
    env.GetDisplayNameFromVehicleModel = function(model) return (w.models[model] or {}).model or 'NULL' end
    env.GetVehicleColours = function(vehicle) local c = (w.vehicles[vehicle] or {}).colour or 0 return c, c end
    self:load_scripts(env, { 'shared_scripts', 'client_scripts' })
    self:server_event('playerJoining', id)
    self:settle()
    return client
end

function World:leave(id)
    self:server_event('playerDropped', id, 'Exiting')
    self.clients[id] = nil
    self:settle()
    self.players[id] = nil
end

function World:move(id, x, y, z, heading)
    local ped = self.players[id].ped
    local p = self.peds[ped]
    p.x, p.y, p.z = x, y, z or p.z
    if heading then p.heading = heading end
end

function World:enter_vehicle(id, plate, model, make, model_name, colour)
    local handle = 5000 + id
    self.vehicles[handle] = { plate = plate, model = model, colour = colour }
    self.models[model] = { make = make, model = model_name }
    self.peds[self.players[id].ped].vehicle = handle
end

-- A player typing `/line` in chat: the server's command if it has one, else the client's.
function World:command(id, line)
    local name = line:match('^/?(%S+)')
    local args = words(line)
    table.remove(args, 1)
    local raw = line:gsub('^/', '')
    local command = self.server.__commands[name]
    local env = self.server
    if not command and id ~= 0 then
        env = self.clients[id].env
        command = env.__commands[name]
    end
    if not command then error('no such command: ' .. tostring(name)) end
    local ok, err = xpcall(command.fn, debug.traceback, id, args, raw)
    if not ok then self:fail('command ' .. name, err) end
    self:settle()
end

-- A player pressing a key: the command its key mapping runs on their client.
function World:press(id, key)
    local client = self.clients[id]
    for command, mapping in pairs(client.keymaps) do
        if mapping.key == key then
            local ok, err = xpcall(client.env.__commands[command].fn, debug.traceback, 0, {}, command)
            if not ok then self:fail('key ' .. key, err) end
            self:settle()
            return command
        end
    end
    error('no key mapping for ' .. key)
end

function World:nui_callback(id, name, data)
    local client = self.clients[id]
    local answer = nil
    client.nui_callbacks[name](data, function(v) answer = v end)
    self:settle()
    return answer
end

return World
