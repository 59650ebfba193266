-- Server-side configuration (this file never reaches players' clients).
--
-- The CAD address and API token are read from server convars first, so they stay out of files you share:
--   set cad_url "https://cad.example.com"
--   set cad_token "cad_..."
-- Use `set`, never `setr`: a replicated convar would be sent to every player.
Config = {}

Config.CadUrl = ''        -- used only when the cad_url convar is empty
Config.CadToken = ''      -- used only when the cad_token convar is empty

-- Command names (the defaults are FiveM CAD's). Rename any of them here; set one to false to disable it.
Config.Commands = {
    duty = 'duty',
    cadchar = 'cadchar',
    cadcall = 'cadcall',
    call911 = '911',
    respond = 'respond',
    onscene = 'onscene',
    closecall = 'closecall',
    clearcall = 'clearcall',
    scenecommand = 'scenecommand',
    releasescene = 'releasescene',
    status = 'status',
    lookup = 'lookup',
    report = 'report',
    citation = 'citation',
    ts = 'ts',
    regvehicle = 'regvehicle',
    delvehicle = 'delvehicle',
    stolenvehicle = 'stolenvehicle',
    recovervehicle = 'recovervehicle',
    bolo = 'bolo',
    cadstatus = 'cadstatus',
}

-- Who may go on duty: nil lets every player whose active character the CAD accepts for duty (leo, ems,
-- fd, tow characters); an ACE name (e.g. 'cad_mdt.duty') additionally requires that permission.
Config.DutyAce = nil
-- Who may run /cadstatus (besides the server console).
Config.AdminAce = 'cad_mdt.admin'

-- Status codes listed by /status when the CAD's own list cannot be read (the CAD's list wins).
Config.StatusCodes = {
    { code = '10-8', name = 'Available' },
    { code = '10-6', name = 'Busy' },
    { code = '10-7', name = 'Out of Service / Hospital' },
    { code = '10-15', name = 'Transporting Prisoner' },
    { code = '10-97', name = 'On Scene' },
    { code = '10-98', name = 'Call Complete' },
}

Config.PositionIntervalMs = 2000     -- one batch request for every on-duty unit
Config.PositionMinMove = 2.0         -- game units; smaller moves are not resent...
Config.PositionMinTurn = 10.0        -- ...nor turns smaller than this (degrees)
Config.PositionKeepAliveMs = 20000   -- ...unless the CAD would otherwise drop the unit (it prunes at 30 s)
Config.PollIntervalMs = 15000        -- incoming calls (GET /fivem/poll-calls)
Config.PanicBlipSeconds = 90
Config.OffDutyOnDrop = true          -- a player who leaves the server goes off duty in the CAD

Config.Http = {
    MaxQueue = 200,          -- pending requests kept; beyond this new ones are refused (positions excepted)
    MaxInFlight = 4,
    MaxAttempts = 5,         -- for connection failures and 5xx
    BackoffMs = 1000,        -- doubles with each attempt...
    MaxBackoffMs = 60000,    -- ...up to this
    RateLimitWaitMs = 10000, -- a 429 that says nothing about when to come back waits this long (doubling)
    AuthLogEveryMs = 60000,  -- how often a wrong token (401) is reported in the console
}

Config.ChatPrefix = 'CAD'
