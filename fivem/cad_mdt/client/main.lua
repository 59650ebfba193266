-- Client side: keybinds, the incoming-call overlay, panic blips, waypoints, forms, and the street name.
-- It holds no token and sends nothing the server trusts beyond the player's own intent: positions and
-- plates are read on the server.
local incoming = nil        -- the call shown on the overlay
local incomingUntil = 0

local function notify(text)
    BeginTextCommandThefeedPost('STRING')
    AddTextComponentSubstringPlayerName(text)
    EndTextCommandThefeedPostTicker(false, true)
end

local function hideIncoming()
    incoming = nil
    SendNUIMessage({ type = 'incoming:hide' })
end

-- --- keybinds (RegisterKeyMapping: rebindable in the game's settings) ---------------------------------
RegisterCommand('cad_respond', function()
    if not incoming then return end
    TriggerServerEvent('cad_mdt:respondIncoming', incoming.id)
    hideIncoming()
end, false)
RegisterKeyMapping('cad_respond', 'CAD: respond to the incoming call', 'keyboard', ClientSettings.Keys.respond)

RegisterCommand('cad_dismiss', function()
    if not incoming then return end
    TriggerServerEvent('cad_mdt:dismissIncoming', incoming.id)
    hideIncoming()
end, false)
RegisterKeyMapping('cad_dismiss', 'CAD: dismiss the incoming call', 'keyboard', ClientSettings.Keys.dismiss)

RegisterCommand('cad_panic', function()
    TriggerServerEvent('cad_mdt:panic')
end, false)
RegisterKeyMapping('cad_panic', 'CAD: panic button', 'keyboard', ClientSettings.Keys.panic)

-- --- events from the server ----------------------------------------------------------------------------
RegisterNetEvent('cad_mdt:incomingCall')
AddEventHandler('cad_mdt:incomingCall', function(call, sound)
    incoming = call
    incomingUntil = GetGameTimer() + ClientSettings.IncomingCallSeconds * 1000
    SendNUIMessage({ type = 'incoming:show', call = call, sound = sound,
                     keys = { respond = ClientSettings.Keys.respond, dismiss = ClientSettings.Keys.dismiss } })
    notify(('~b~Call #%s~s~ %s%s'):format(tostring(call.call_number), tostring(call.title or ''),
        call.postal and call.postal ~= '' and (' (postal ' .. call.postal .. ')') or ''))
end)

RegisterNetEvent('cad_mdt:waypoint')
AddEventHandler('cad_mdt:waypoint', function(x, y)
    if type(x) == 'number' and type(y) == 'number' then SetNewWaypoint(x, y) end
end)

RegisterNetEvent('cad_mdt:panic')
AddEventHandler('cad_mdt:panic', function(alert)
    notify(('~r~PANIC~s~ %s%s'):format(tostring(alert.name or ''), alert.location and alert.location ~= '' and (' - ' .. alert.location) or ''))
    SendNUIMessage({ type = 'sound', sound = alert.sound })
    if type(alert.x) ~= 'number' or type(alert.y) ~= 'number' then return end
    local blip = AddBlipForCoord(alert.x, alert.y, alert.z or 0.0)
    SetBlipSprite(blip, ClientSettings.PanicBlip.sprite)
    SetBlipColour(blip, ClientSettings.PanicBlip.colour)
    SetBlipScale(blip, ClientSettings.PanicBlip.scale)
    SetBlipFlashes(blip, true)
    BeginTextCommandSetBlipName('STRING')
    AddTextComponentSubstringPlayerName('PANIC ' .. tostring(alert.name or ''))
    EndTextCommandSetBlipName(blip)
    SetTimeout((alert.seconds or 90) * 1000, function() RemoveBlip(blip) end)
end)

RegisterNetEvent('cad_mdt:alert')
AddEventHandler('cad_mdt:alert', function(alert)
    notify(tostring(alert.text or ''))
    SendNUIMessage({ type = 'sound', sound = alert.sound })
end)

-- /regvehicle: the server knows the plate; make, model and colour names exist only on the client.
local COLOURS = { [0] = 'Black', [1] = 'Graphite', [4] = 'Silver', [12] = 'Black', [27] = 'Red', [28] = 'Red',
                  [38] = 'Orange', [42] = 'Yellow', [49] = 'Green', [53] = 'Green', [61] = 'Blue', [64] = 'Blue',
                  [88] = 'Yellow', [111] = 'White', [112] = 'White', [134] = 'White', [135] = 'Pink' }

RegisterNetEvent('cad_mdt:vehicleInfoRequest')
AddEventHandler('cad_mdt:vehicleInfoRequest', function(requestId)
    local vehicle = GetVehiclePedIsIn(PlayerPedId(), false)
    local info = {}
    if vehicle and vehicle ~= 0 then
        local model = GetEntityModel(vehicle)
        info.make = GetLabelText(GetMakeNameFromVehicleModel(model))
        info.model = GetLabelText(GetDisplayNameFromVehicleModel(model))
        if info.make == 'NULL' then info.make = nil end
        if info.model == 'NULL' then info.model = nil end
        local primary = GetVehicleColours(vehicle)
        info.color = COLOURS[primary]
    end
    TriggerServerEvent('cad_mdt:vehicleInfo', requestId, info)
end)

RegisterNetEvent('cad_mdt:openForm')
AddEventHandler('cad_mdt:openForm', function(form)
    SendNUIMessage({ type = 'form:open', form = form })
    SetNuiFocus(true, true)
end)

RegisterNUICallback('submitForm', function(data, cb)
    SetNuiFocus(false, false)
    TriggerServerEvent('cad_mdt:formSubmit', data.name, data.values)
    cb({ ok = true })
end)

RegisterNUICallback('closeForm', function(_, cb)
    SetNuiFocus(false, false)
    cb({ ok = true })
end)

-- --- street and zone, for the location of calls and panics ----------------------------------------------
CreateThread(function()
    local last = ''
    while true do
        Wait(ClientSettings.LocationEveryMs)
        local ped = PlayerPedId()
        local c = GetEntityCoords(ped)
        local streetHash, crossHash = GetStreetNameAtCoord(c.x, c.y, c.z)
        local street = GetStreetNameFromHashKey(streetHash)
        local cross = crossHash ~= 0 and GetStreetNameFromHashKey(crossHash) or ''
        local zone = GetLabelText(GetNameOfZone(c.x, c.y, c.z))
        local key = street .. '|' .. cross .. '|' .. zone
        if key ~= last then
            last = key
            TriggerServerEvent('cad_mdt:location', street, cross, zone)
        end
        if incoming and GetGameTimer() > incomingUntil then hideIncoming() end
    end
end)
