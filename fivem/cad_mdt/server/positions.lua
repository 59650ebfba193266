-- The live-map feed: every `PositionIntervalMs`, one POST /fivem/livemap/positions carrying every on-duty
-- unit that moved (raw OneSync coordinates of the player's ped, never scaled). A unit that neither moved
-- `PositionMinMove` units nor turned `PositionMinTurn` degrees is skipped, unless `PositionKeepAliveMs`
-- passed since it was last sent (the CAD drops units it has not heard from for 30 s).
CadPositions = {}

function CadPositions.collect(now)
    local batch, sent = {}, {}
    for _, p in ipairs(CadPlayers.onDuty()) do
        local at = CadPlayers.coords(p.src)
        if at then
            local last = p.lastSent
            if not last or CadUtil.distance2d(at, last) >= Config.PositionMinMove
                or CadUtil.turn(at.heading, last.heading) >= Config.PositionMinTurn
                or now - last.at >= Config.PositionKeepAliveMs then
                batch[#batch + 1] = { character_id = p.character.id, name = CadPlayers.displayName(p),
                                      x = at.x, y = at.y, z = at.z, heading = at.heading }
                sent[#sent + 1] = { player = p, at = { x = at.x, y = at.y, heading = at.heading, at = now } }
            end
        end
    end
    return batch, sent
end

function CadPositions.tick()
    local now = GetGameTimer()
    local batch, sent = CadPositions.collect(now)
    if #batch == 0 then return 0 end
    -- key: if the previous batch is still waiting (CAD slow or rate limiting), this one replaces it.
    Cad.http:post('/fivem/livemap/positions', batch, function(status)
        if status >= 200 and status < 300 then
            for _, s in ipairs(sent) do s.player.lastSent = s.at end
        end
    end, { key = 'positions' })
    return #batch
end
