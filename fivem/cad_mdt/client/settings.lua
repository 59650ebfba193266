-- Client-side settings. Players rebind the keys under Settings > Key Bindings > FiveM; these are only the
-- defaults (changing one later does not move keys of players who already joined).
ClientSettings = {
    Keys = { respond = 'F6', dismiss = 'F7', panic = 'F9' },
    IncomingCallSeconds = 30,      -- how long the incoming-call overlay stays up
    LocationEveryMs = 3000,        -- how often the street/zone name is refreshed for calls and panics
    PanicBlip = { sprite = 161, colour = 1, scale = 1.4 },
}
