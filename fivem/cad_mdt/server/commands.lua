-- Every in-game command of 004, run on the server (which holds the token and samples positions).
-- Where 004 opens a form, the command also takes the form's fields inline, so players can be quick:
--   /911 Shots fired near the fountain        /cadcall 10-50 MVA | two cars, one on its roof
--   /citation <character> <violation> <fine> <points>
--   /report [type] <title> | <body>            /lookup <name or plate>
-- Handlers receive (src, args, raw) like RegisterCommand's callback; `Cad` (server/main.lua) carries the
-- HTTP client and the configuration.
CadCommands = { handlers = {}, forms = {} }
local H = CadCommands.handlers

local REPORT_TYPES = { incident = true, use_of_force = true, crash_report = true, fire_report = true,
                       medical_report = true, tow_report = true, other = true }

-- --- replies -------------------------------------------------------------------------------------------
local COLORS = { info = { 90, 160, 255 }, ok = { 80, 200, 120 }, warn = { 255, 190, 60 }, error = { 240, 80, 80 } }

function CadCommands.reply(src, text, kind)
    if not src or tonumber(src) == 0 then
        print(('[cad_mdt] %s'):format(text))
        return
    end
    TriggerClientEvent('chat:addMessage', src, { color = COLORS[kind or 'info'], multiline = true,
                                                args = { Config.ChatPrefix, text } })
end
local reply = CadCommands.reply

local function failed(src, what, status, data)
    local reason = (type(data) == 'table' and data.error) or (status == 0 and 'the CAD did not answer') or ('HTTP ' .. tostring(status))
    if status == 401 then reason = 'the CAD refused this server\'s API token; tell an admin (/cadstatus)' end
    if status == 429 then reason = 'the CAD is busy; try again in a moment' end
    reply(src, ('%s failed: %s'):format(what, reason), 'error')
end

local function ok(status) return status and status >= 200 and status < 300 end

local function usage(src, key, text)
    reply(src, ('Usage: /%s %s'):format(Config.Commands[key] or key, text), 'warn')
end

-- --- requirements ------------------------------------------------------------------------------------
local function needCharacter(src, p)
    if p.character then return true end
    if not p.registered then
        reply(src, 'Your Discord account is not linked to the CAD. Sign in to the CAD with Discord, then rejoin.', 'warn')
    else
        reply(src, ('Select a character first: /%s'):format(Config.Commands.cadchar), 'warn')
    end
    return false
end

local function needDuty(src, p)
    if not needCharacter(src, p) then return false end
    if not p.onDuty then
        reply(src, ('You must be on duty for that: /%s'):format(Config.Commands.duty), 'warn')
        return false
    end
    return true
end

local function needCall(src, p)
    if not needDuty(src, p) then return false end
    if not p.callId then
        reply(src, ('You have no active call: /%s <call> first.'):format(Config.Commands.respond), 'warn')
        return false
    end
    return true
end

-- --- forms (NUI) ---------------------------------------------------------------------------------------
-- A command run without its fields opens a form; the client posts the fields back (cad_mdt:formSubmit)
-- and they take the same path as inline fields.
function CadCommands.openForm(src, name, title, fields)
    TriggerClientEvent('cad_mdt:openForm', src, { name = name, title = title, fields = fields })
end

-- --- characters and duty ----------------------------------------------------------------------------
function CadCommands.applyUnit(p, data)
    if type(data) ~= 'table' then return end
    p.onDuty = data.on_duty == true
    p.callsign = data.callsign or p.callsign
    p.status = data.status
    p.callId = data.call_id
    p.callNumber = data.call_number
end

function CadCommands.refreshUnit(p, done)
    if not p.character then if done then done() end return end
    Cad.http:get('/fivem/unit?character_id=' .. CadUtil.urlencode(p.character.id), function(status, data)
        if ok(status) then CadCommands.applyUnit(p, data) end
        if done then done(status, data) end
    end)
end

function CadCommands.select(src, p, character)
    local function choose()
        p.character, p.callsign, p.onDuty, p.callId, p.callNumber, p.lastSent = character, character.callsign, false, nil, nil, nil
        CadCommands.refreshUnit(p, function()
            reply(src, ('Active character: %s%s%s'):format(CadUtil.fullName(character),
                character.callsign and character.callsign ~= '' and (' (' .. character.callsign .. ')') or '',
                p.onDuty and ', on duty' or ''), 'ok')
        end)
    end
    if p.onDuty and p.character and p.character.id ~= character.id then
        Cad.http:post('/fivem/duty', { character_id = p.character.id, action = 'off' }, function() choose() end)
    else
        choose()
    end
end

-- POST /fivem/player-connect: who this player is in the CAD (by their discord: identifier).
function CadCommands.connect(src, done)
    local p = CadPlayers.get(src)
    p.discord = CadPlayers.discordOf(src)
    if not p.discord then
        p.registered = false
        reply(src, 'Start FiveM with Discord running to use the CAD commands (no discord: identifier).', 'warn')
        if done then done() end
        return
    end
    Cad.http:post('/fivem/player-connect', { discord_id = p.discord }, function(status, data)
        if not ok(status) then
            if done then done() end
            return
        end
        p.registered = data.registered == true
        p.user = data.user
        p.characters = data.characters or {}
        if p.registered and #p.characters == 1 then
            CadCommands.select(src, p, p.characters[1])
        end
        if done then done() end
    end)
end

H.cadchar = function(src, args)
    local p = CadPlayers.get(src)
    local function pick()
        if not p.registered then return needCharacter(src, p) end
        local chars = p.characters
        if #chars == 0 then
            return reply(src, 'You have no characters yet: create one in the CAD, then run /' .. Config.Commands.cadchar .. ' again.', 'warn')
        end
        local wanted = CadUtil.rest(args)
        if wanted == '' and #chars == 1 then return CadCommands.select(src, p, chars[1]) end
        if wanted == '' then
            local lines = { 'Your characters (choose with /' .. Config.Commands.cadchar .. ' <number or name>):' }
            for i, c in ipairs(chars) do
                lines[#lines + 1] = ('%d) %s - %s%s%s'):format(i, CadUtil.fullName(c), c.type or '?',
                    c.callsign and c.callsign ~= '' and (', ' .. c.callsign) or '',
                    p.character and p.character.id == c.id and ' (active)' or '')
            end
            return reply(src, table.concat(lines, '\n'))
        end
        local index = tonumber(wanted)
        local found = index and chars[index] or nil
        if not found then
            local needle = wanted:lower()
            for _, c in ipairs(chars) do
                if CadUtil.fullName(c):lower():find(needle, 1, true) then found = c break end
            end
        end
        if not found then return reply(src, ('No character of yours matches "%s".'):format(wanted), 'warn') end
        CadCommands.select(src, p, found)
    end
    -- Characters created on the web since the player joined are picked up here.
    CadCommands.connect(src, pick)
end

H.duty = function(src)
    local p = CadPlayers.get(src)
    if not needCharacter(src, p) then return end
    if Config.DutyAce and not p.onDuty and not IsPlayerAceAllowed(src, Config.DutyAce) then
        return reply(src, 'You are not allowed to go on duty on this server.', 'error')
    end
    local action = p.onDuty and 'off' or 'on'
    Cad.http:post('/fivem/duty', { character_id = p.character.id, action = action }, function(status, data)
        if not ok(status) then return failed(src, 'Duty change', status, data) end
        p.onDuty = data.on_duty == true
        if not p.onDuty then p.callId, p.callNumber, p.incoming, p.lastSent = nil, nil, nil, nil end
        CadCommands.refreshUnit(p, function()
            if p.onDuty then
                reply(src, ('You are on duty as %s.'):format(p.callsign or CadUtil.fullName(p.character)), 'ok')
            else
                reply(src, 'You are off duty.', 'ok')
            end
        end)
    end)
end

-- --- calls -------------------------------------------------------------------------------------------
local function createCall(src, p, title, description, extra, done)
    local body = { title = CadUtil.truncate(title, 200), description = description, priority = 2,
                   location = CadUtil.truncate(CadPlayers.location(p), 200) }
    local at = CadPlayers.coords(src)
    if at then body.x, body.y, body.z = at.x, at.y, at.z end  -- the CAD fills the nearest postal
    if p.character then body.created_by = p.character.id end
    for k, v in pairs(extra or {}) do body[k] = v end
    Cad.http:post('/fivem/calls', body, function(status, data)
        if not ok(status) then return failed(src, 'Creating the call', status, data) end
        Cad.rememberCall(data)
        done(data)
    end)
end

local function callCommand(key, needsDuty)
    return function(src, args)
        local p = CadPlayers.get(src)
        if needsDuty and not needDuty(src, p) then return end
        local text = CadUtil.rest(args)
        if text == '' then
            return CadCommands.openForm(src, key, needsDuty and 'New call' or 'Call 911', {
                { name = 'title', label = 'What is happening', required = true },
                { name = 'description', label = 'Details', kind = 'textarea' },
            })
        end
        local title, description = CadUtil.splitPipe(text)
        if description == '' then description = title end
        createCall(src, p, CadUtil.truncate(title, 100), description, nil, function(call)
            reply(src, ('Call #%s created: %s%s'):format(tostring(call.call_number), call.title,
                call.postal and call.postal ~= '' and (' (postal ' .. call.postal .. ')') or ''), 'ok')
        end)
    end
end
H.cadcall = callCommand('cadcall', true)
H.call911 = callCommand('call911', false)

local function setActiveCall(p, data)
    p.callId = data.call_id or p.callId
    p.callNumber = data.call_number or p.callNumber
end

function CadCommands.respond(src, p, ref)
    Cad.http:post('/fivem/respond', { character_id = p.character.id, call_id = tostring(ref) }, function(status, data)
        if not ok(status) then return failed(src, 'Responding', status, data) end
        setActiveCall(p, data)
        p.incoming = nil
        reply(src, ('Responding to call #%s: status Enroute.'):format(tostring(data.call_number)), 'ok')
        Cad.http:get('/fivem/calls/' .. CadUtil.urlencode(data.call_id), function(s2, call)
            if ok(s2) and call.x and call.y then
                TriggerClientEvent('cad_mdt:waypoint', src, call.x, call.y)
            end
        end)
    end)
end

H.respond = function(src, args)
    local p = CadPlayers.get(src)
    if not needDuty(src, p) then return end
    local ref = CadUtil.trim(args[1] or ''):gsub('^#', '')
    if ref == '' and p.incoming then ref = p.incoming.id end
    if ref == '' then return usage(src, 'respond', '<call number or id>') end
    CadCommands.respond(src, p, ref)
end

H.onscene = function(src)
    local p = CadPlayers.get(src)
    if not needCall(src, p) then return end
    Cad.http:post('/fivem/on-scene', { character_id = p.character.id, call_id = p.callId }, function(status, data)
        if not ok(status) then return failed(src, 'On scene', status, data) end
        reply(src, ('On scene at call #%s.'):format(tostring(data.call_number)), 'ok')
    end)
end

H.closecall = function(src)
    local p = CadPlayers.get(src)
    if not needCall(src, p) then return end
    Cad.http:post('/fivem/calls/' .. p.callId .. '/close', { character_id = p.character.id }, function(status, data)
        if not ok(status) then return failed(src, 'Closing the call', status, data) end
        p.callId, p.callNumber = nil, nil
        reply(src, ('Call #%s closed.'):format(tostring(data.call_number)), 'ok')
    end)
end

H.clearcall = function(src)
    local p = CadPlayers.get(src)
    if not needCall(src, p) then return end
    Cad.http:post('/fivem/calls/' .. p.callId .. '/detach', { character_id = p.character.id }, function(status, data)
        if not ok(status) then return failed(src, 'Clearing from the call', status, data) end
        p.callId, p.callNumber = nil, nil
        reply(src, ('Cleared from call #%s.'):format(tostring(data.call_number)), 'ok')
    end)
end

local function sceneCommand(take)
    return function(src)
        local p = CadPlayers.get(src)
        if not needCall(src, p) then return end
        Cad.http:post('/fivem/scene-command', { character_id = p.character.id, call_id = p.callId, take = take },
            function(status, data)
                if not ok(status) then return failed(src, take and 'Taking scene command' or 'Releasing scene command', status, data) end
                reply(src, ('%s scene command on call #%s.'):format(take and 'You have' or 'You released',
                    tostring(data.call_number)), 'ok')
            end)
    end
end
H.scenecommand = sceneCommand(true)
H.releasescene = sceneCommand(false)

-- --- status ------------------------------------------------------------------------------------------
H.status = function(src, args)
    local p = CadPlayers.get(src)
    local code = CadUtil.trim(args[1] or '')
    if code == '' then
        local lines = { 'Status codes (/' .. Config.Commands.status .. ' <code>):' }
        for _, c in ipairs(Cad.statusCodes()) do lines[#lines + 1] = ('%s - %s'):format(c.code, c.name) end
        if p.onDuty and p.status then lines[#lines + 1] = 'Your status: ' .. tostring(p.status) end
        return reply(src, table.concat(lines, '\n'))
    end
    if not needDuty(src, p) then return end
    Cad.http:post('/fivem/unit-status', { character_id = p.character.id, status = code }, function(status, data)
        if not ok(status) then return failed(src, 'Status change', status, data) end
        p.status = data.status_code or data.unit_status
        reply(src, data.message or ('Status set to ' .. code), 'ok')
    end)
end

-- --- lookups -----------------------------------------------------------------------------------------
local function flagText(flags)
    local out = {}
    if flags.is_stolen then out[#out + 1] = 'STOLEN' end
    if flags.has_bolo then out[#out + 1] = 'BOLO' end
    if flags.has_warrants then out[#out + 1] = 'WARRANTS' end
    return #out > 0 and ('[' .. table.concat(out, '] [') .. ']') or 'no flags'
end

function CadCommands.plateSummary(data)
    local v = data.vehicle
    if not v then return ('%s: not registered. %s'):format(data.plate, flagText(data.flags or {})) end
    local lines = { ('%s: %s %s %s, owner %s. %s'):format(v.plate, v.color or '', v.make or '', v.model or '',
        v.owner_name or 'unknown', flagText(data.flags or {})) }
    if data.bolo then lines[#lines + 1] = 'BOLO: ' .. tostring(data.bolo.description or data.bolo.reason or '') end
    for _, w in ipairs(data.warrants or {}) do lines[#lines + 1] = 'Warrant: ' .. tostring(w.title) end
    return table.concat(lines, '\n')
end

local function lookupPlate(src, plate)
    Cad.http:get('/fivem/lookup/plate/' .. CadUtil.urlencode(plate), function(status, data)
        if not ok(status) then return failed(src, 'Plate lookup', status, data) end
        reply(src, CadCommands.plateSummary(data))
    end)
end

local function lookupName(src, name)
    Cad.http:get('/fivem/lookup/player?name=' .. CadUtil.urlencode(name), function(status, data)
        if not ok(status) then return failed(src, 'Name lookup', status, data) end
        if not data.found or #(data.characters or {}) == 0 then return reply(src, ('No one named "%s".'):format(name)) end
        local lines = {}
        for _, c in ipairs(data.characters) do
            local flags = c.flags or {}
            local vehicles = {}
            for _, v in ipairs(c.vehicles or {}) do vehicles[#vehicles + 1] = v.plate .. (v.is_stolen and ' (stolen)' or '') end
            lines[#lines + 1] = ('%s, born %s (%s)%s%s%s'):format(CadUtil.fullName(c), tostring(c.date_of_birth or '?'),
                c.type or '?', flags.has_warrants and (' [WARRANTS: ' .. tostring(flags.warrant_count or '') .. ']') or '',
                c.weapons_license and ' [weapons licence]' or '',
                #vehicles > 0 and (' vehicles: ' .. table.concat(vehicles, ', ')) or '')
        end
        reply(src, table.concat(lines, '\n'))
    end)
end

H.lookup = function(src, args)
    local p = CadPlayers.get(src)
    if not needDuty(src, p) then return end
    local query = CadUtil.rest(args)
    if query == '' then
        return CadCommands.openForm(src, 'lookup', 'MDT lookup', { { name = 'query', label = 'Name or plate', required = true } })
    end
    if CadUtil.looksLikePlate(query) then return lookupPlate(src, query) end
    lookupName(src, query)
end

-- --- reports and citations ---------------------------------------------------------------------------
local function submitReport(src, p, fields)
    local body = { author_id = p.character.id, title = fields.title, body = fields.body, type = fields.type or 'incident',
                   evidence = fields.evidence, call_id = p.callId }
    Cad.http:post('/fivem/reports', body, function(status, data)
        if not ok(status) then return failed(src, 'Filing the report', status, data) end
        reply(src, ('Report #%s filed (%s): %s'):format(tostring(data.report_number), tostring(data.status), fields.title), 'ok')
    end)
end

H.report = function(src, args)
    local p = CadPlayers.get(src)
    if not needDuty(src, p) then return end
    local text = CadUtil.rest(args)
    if text == '' then
        return CadCommands.openForm(src, 'report', 'New report', {
            { name = 'type', label = 'Type', kind = 'select', options = { 'incident', 'use_of_force', 'crash_report',
              'fire_report', 'medical_report', 'tow_report', 'other' } },
            { name = 'title', label = 'Title', required = true },
            { name = 'body', label = 'Narrative', kind = 'textarea', required = true },
            { name = 'evidence', label = 'Evidence', kind = 'textarea' },
        })
    end
    local kind = 'incident'
    local first = (args[1] or ''):lower()
    if REPORT_TYPES[first] then kind, text = first, CadUtil.rest(args, 2) end
    local title, body = CadUtil.splitPipe(text)
    if title == '' or body == '' then return usage(src, 'report', '[type] <title> | <narrative>') end
    submitReport(src, p, { type = kind, title = title, body = body })
end

-- A character by id, or by a unique name (`John_Smith` or "John Smith").
local function findCharacter(src, ref, done)
    if CadUtil.isUuid(ref) then return done(ref) end
    local name = ref:gsub('_', ' ')
    Cad.http:get('/fivem/lookup/player?name=' .. CadUtil.urlencode(name), function(status, data)
        if not ok(status) then return failed(src, 'Finding the character', status, data) end
        local matches = {}
        for _, c in ipairs(data.characters or {}) do
            if CadUtil.fullName(c):lower() == name:lower() then matches[#matches + 1] = c end
        end
        if #matches ~= 1 then
            return reply(src, ('%s characters named "%s"; use the character id.'):format(#matches == 0 and 'No' or 'Several', name), 'warn')
        end
        done(matches[1].id)
    end)
end

local function submitCitation(src, p, fields)
    findCharacter(src, fields.character, function(characterId)
        local body = { character_id = characterId, issued_by = p.character.id, violation = fields.violation,
                       fine_amount = tonumber(fields.fine) or 0, points = math.floor(tonumber(fields.points) or 0) }
        Cad.http:post('/fivem/reports/citations', body, function(status, data)
            if not ok(status) then return failed(src, 'The citation', status, data) end
            reply(src, ('Citation issued: %s, fine %s, %d point(s).'):format(fields.violation, tostring(body.fine_amount), body.points), 'ok')
        end)
    end)
end

H.citation = function(src, args)
    local p = CadPlayers.get(src)
    if not needDuty(src, p) then return end
    if #args == 0 then
        return CadCommands.openForm(src, 'citation', 'Citation', {
            { name = 'character', label = 'Character ID or First_Last', required = true },
            { name = 'violation', label = 'Violation', required = true },
            { name = 'fine', label = 'Fine', kind = 'number' },
            { name = 'points', label = 'Points (0-12)', kind = 'number' },
        })
    end
    local n = #args
    if n < 4 or not tonumber(args[n]) or not tonumber(args[n - 1]) then
        return usage(src, 'citation', '<character id or First_Last> <violation> <fine> <points>')
    end
    local violation = {}
    for i = 2, n - 2 do violation[#violation + 1] = args[i] end
    submitCitation(src, p, { character = args[1], violation = table.concat(violation, ' '), fine = args[n - 1], points = args[n] })
end

-- --- traffic stop ------------------------------------------------------------------------------------
H.ts = function(src, args)
    local p = CadPlayers.get(src)
    if not needDuty(src, p) then return end
    local plate = CadUtil.plate(args[1])
    if plate == '' then return usage(src, 'ts', '<plate>') end
    Cad.http:get('/fivem/lookup/plate/' .. CadUtil.urlencode(plate), function(status, lookup)
        if not ok(status) then return failed(src, 'Plate lookup', status, lookup) end
        local v = lookup.vehicle
        local description = ('Traffic stop on %s%s.'):format(plate, v and (' (' .. CadUtil.trim((v.color or '') .. ' ' ..
            (v.make or '') .. ' ' .. (v.model or '')) .. ', owner ' .. tostring(v.owner_name or 'unknown') .. ')') or ', not registered')
        createCall(src, p, 'Traffic Stop - ' .. plate, description, { priority = 3 }, function(call)
            CadCommands.progress(src, p, call.id, function(data)
                reply(src, ('Traffic stop logged as call #%s, you are on scene.\n%s'):format(tostring(data.call_number),
                    CadCommands.plateSummary(lookup)), (lookup.flags or {}).is_stolen and 'error' or 'ok')
            end)
        end)
    end)
end

-- Respond, then on scene: one call worked start to finish by the player (traffic stop).
function CadCommands.progress(src, p, callId, done)
    local body = { character_id = p.character.id, call_id = callId }
    Cad.http:post('/fivem/respond', body, function(status, data)
        if not ok(status) then return failed(src, 'Responding', status, data) end
        setActiveCall(p, data)
        Cad.http:post('/fivem/on-scene', body, function(s2, d2)
            if not ok(s2) then return failed(src, 'On scene', s2, d2) end
            done(d2)
        end)
    end)
end

-- --- vehicles ----------------------------------------------------------------------------------------
local function registerVehicle(src, p, plate, info)
    local body = { character_id = p.character.id, plate = plate }
    for _, k in ipairs({ 'make', 'model', 'color' }) do
        if type(info[k]) == 'string' and info[k] ~= '' then body[k] = CadUtil.truncate(info[k], 60) end
    end
    Cad.http:post('/fivem/vehicles', body, function(status, data)
        if status == 409 then return reply(src, ('%s is already registered.'):format(plate), 'warn') end
        if not ok(status) then return failed(src, 'Registering the vehicle', status, data) end
        reply(src, ('Registered %s: %s'):format(data.plate or plate, CadUtil.trim(table.concat({ body.color or '', body.make or '', body.model or '' }, ' '))), 'ok')
    end)
end

H.regvehicle = function(src)
    local p = CadPlayers.get(src)
    if not needCharacter(src, p) then return end
    local vehicle = GetVehiclePedIsIn(GetPlayerPed(src), false)
    if not vehicle or vehicle == 0 then return reply(src, 'Sit in the vehicle you want to register.', 'warn') end
    -- The plate comes from the server; only the display names (make, model, colour) need the client.
    local plate = CadUtil.plate(GetVehicleNumberPlateText(vehicle))
    if plate == '' then return reply(src, 'This vehicle has no plate.', 'warn') end
    Cad.vehicleRequests = (Cad.vehicleRequests or 0) + 1
    local request = { id = Cad.vehicleRequests, plate = plate }
    p.vehicleRequest = request
    TriggerClientEvent('cad_mdt:vehicleInfoRequest', src, request.id)
    SetTimeout(5000, function()
        if p.vehicleRequest == request then  -- the client never answered: register the plate alone
            p.vehicleRequest = nil
            registerVehicle(src, p, plate, {})
        end
    end)
end

function CadCommands.vehicleInfo(src, requestId, info)
    local p = CadPlayers.get(src)
    local request = p.vehicleRequest
    if not request or request.id ~= tonumber(requestId) then return end
    p.vehicleRequest = nil
    registerVehicle(src, p, request.plate, type(info) == 'table' and info or {})
end

H.delvehicle = function(src, args)
    local p = CadPlayers.get(src)
    if not needCharacter(src, p) then return end
    local plate = CadUtil.plate(args[1])
    if plate == '' then return usage(src, 'delvehicle', '<plate>') end
    Cad.http:get('/fivem/lookup/plate/' .. CadUtil.urlencode(plate), function(status, data)
        if not ok(status) then return failed(src, 'Plate lookup', status, data) end
        if not data.vehicle then return reply(src, ('%s is not registered.'):format(plate), 'warn') end
        local mine = false
        for _, c in ipairs(p.characters or {}) do
            if c.id == data.vehicle.owner_id then mine = true end
        end
        if not mine then return reply(src, ('%s is not registered to one of your characters.'):format(plate), 'error') end
        Cad.http:request('DELETE', '/fivem/vehicles/' .. CadUtil.urlencode(plate), nil, function(s2, d2)
            if not ok(s2) then return failed(src, 'Deregistering the vehicle', s2, d2) end
            reply(src, ('%s deregistered.'):format(d2.plate or plate), 'ok')
        end)
    end)
end

local function stolen(flag)
    return function(src, args)
        local p = CadPlayers.get(src)
        if not needDuty(src, p) then return end
        local plate = CadUtil.plate(args[1])
        if plate == '' then return usage(src, flag and 'stolenvehicle' or 'recovervehicle', '<plate>') end
        Cad.http:request('PATCH', '/fivem/vehicles/' .. CadUtil.urlencode(plate) .. '/stolen', { stolen = flag },
            function(status, data)
                if not ok(status) then return failed(src, flag and 'Marking stolen' or 'Marking recovered', status, data) end
                reply(src, ('%s marked %s.'):format(data.plate or plate, flag and 'STOLEN' or 'recovered'), 'ok')
            end)
    end
end
H.stolenvehicle = stolen(true)
H.recovervehicle = stolen(false)

-- --- BOLO --------------------------------------------------------------------------------------------
H.bolo = function(src, args)
    local p = CadPlayers.get(src)
    if not needDuty(src, p) then return end
    local plate, description = CadUtil.plate(args[1]), CadUtil.rest(args, 2)
    if plate == '' or description == '' then return usage(src, 'bolo', '<plate> <description>') end
    Cad.http:post('/fivem/bolos', { type = 'vehicle', plate = plate, description = description, created_by = p.character.id },
        function(status, data)
            if not ok(status) then return failed(src, 'The BOLO', status, data) end
            for _, unit in ipairs(CadPlayers.onDuty()) do
                reply(unit.src, ('BOLO %s: %s (by %s)'):format(plate, description, CadPlayers.displayName(p)), 'warn')
                TriggerClientEvent('cad_mdt:alert', unit.src, { kind = 'bolo', text = ('BOLO %s: %s'):format(plate, description),
                                                               sound = Cad.sound('bolo') })
            end
        end)
end

-- --- panic (F9) --------------------------------------------------------------------------------------
function CadCommands.panic(src)
    local p = CadPlayers.get(src)
    if not needDuty(src, p) then return end
    local at = CadPlayers.coords(src)
    local body = { character_id = p.character.id, location = CadUtil.truncate(CadPlayers.location(p), 200) }
    if at then body.coords = { x = at.x, y = at.y, z = at.z } end
    Cad.http:post('/fivem/panic', body, function(status, data)
        if not ok(status) then return failed(src, 'Panic', status, data) end
        local alert = { kind = 'panic', name = CadPlayers.displayName(p), call_id = data.call_id,
                        call_number = data.call_number, seconds = Config.PanicBlipSeconds, sound = Cad.sound('panic'),
                        location = body.location }
        if at then alert.x, alert.y, alert.z = at.x, at.y, at.z end
        for _, unit in ipairs(CadPlayers.onDuty()) do
            TriggerClientEvent('cad_mdt:panic', unit.src, alert)
        end
        reply(src, ('Panic sent: call #%s.'):format(tostring(data.call_number)), 'error')
    end)
end

-- --- incoming-call overlay (F6 / F7) -----------------------------------------------------------------
function CadCommands.respondIncoming(src)
    local p = CadPlayers.get(src)
    if not p.incoming then return end
    if not needDuty(src, p) then return end
    CadCommands.respond(src, p, p.incoming.id)
end

function CadCommands.dismissIncoming(src)
    CadPlayers.get(src).incoming = nil
end

-- --- /cadstatus --------------------------------------------------------------------------------------
H.cadstatus = function(src)
    if src ~= 0 and not IsPlayerAceAllowed(src, Config.AdminAce) then
        return reply(src, 'Only server admins may check the CAD connection.', 'error')
    end
    local http = Cad.http
    local token = http.token ~= '' and (http.token:sub(1, 8) .. '...') or '(not set)'
    local s = http.stats
    local started = GetGameTimer()
    local function report(status, data)
        local live
        if ok(status) then
            live = ('connected, token accepted (%d ms)'):format(GetGameTimer() - started)
        elseif status == 401 then
            live = 'TOKEN REFUSED (401): set cad_token to a valid API token'
        else
            live = ('NOT WORKING: %s'):format((type(data) == 'table' and data.error) or ('HTTP ' .. tostring(status)))
        end
        reply(src, table.concat({
            ('CAD %s - %s'):format(http.url ~= '' and http.url or '(cad_url not set)', live),
            ('token %s; on duty here: %d; requests sent %d, ok %d, failed %d, retried %d, rate limited %d, queued %d'):format(
                token, #CadPlayers.onDuty(), s.sent, s.ok, s.failed, s.retried, s.rateLimited, http:pending()),
            s.lastError and ('last error: ' .. s.lastError) or 'no errors',
        }, '\n'), ok(status) and 'ok' or 'error')
    end
    if not http:configured() then return report(0, { error = 'cad_url or cad_token is not set' }) end
    http:get('/fivem/status-codes', report)
end

-- --- forms posted back from the NUI ------------------------------------------------------------------
function CadCommands.formSubmit(src, name, values)
    if type(values) ~= 'table' then return end
    local p = CadPlayers.get(src)
    local function field(k) return CadUtil.trim(type(values[k]) == 'string' and values[k] or tostring(values[k] or '')) end
    if name == 'cadcall' or name == 'call911' then
        if name == 'cadcall' and not needDuty(src, p) then return end
        if field('title') == '' then return reply(src, 'The call needs a title.', 'warn') end
        local description = field('description') ~= '' and field('description') or field('title')
        createCall(src, p, CadUtil.truncate(field('title'), 100), description, nil, function(call)
            reply(src, ('Call #%s created: %s'):format(tostring(call.call_number), call.title), 'ok')
        end)
    elseif name == 'lookup' then
        H.lookup(src, { field('query') })
    elseif name == 'report' then
        if not needDuty(src, p) then return end
        if field('title') == '' or field('body') == '' then return reply(src, 'A report needs a title and a narrative.', 'warn') end
        local kind = REPORT_TYPES[field('type')] and field('type') or 'incident'
        submitReport(src, p, { type = kind, title = field('title'), body = field('body'), evidence = field('evidence') })
    elseif name == 'citation' then
        if not needDuty(src, p) then return end
        if field('character') == '' or field('violation') == '' then return reply(src, 'A citation needs a character and a violation.', 'warn') end
        submitCitation(src, p, { character = field('character'), violation = field('violation'), fine = field('fine'), points = field('points') })
    end
end

function CadCommands.run(key, src, args, raw)
    local handler = H[key]
    if not handler then return end
    src = tonumber(src) or 0
    if src == 0 and key ~= 'cadstatus' then return print('[cad_mdt] /' .. tostring(Config.Commands[key]) .. ' is a player command.') end
    local okRun, err = pcall(handler, src, args or {}, raw or '')
    if not okRun then
        print(('[cad_mdt] error in /%s: %s'):format(tostring(Config.Commands[key]), tostring(err)))
        reply(src, 'Something went wrong; the server console has the details.', 'error')
    end
end
