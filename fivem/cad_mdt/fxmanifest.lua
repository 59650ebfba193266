-- cad_mdt: the game-server resource of this CAD. Drop the folder into resources/, set two convars
-- (`set cad_url ...`, `set cad_token ...`) and `ensure cad_mdt`. See the README, "Connect your FiveM server".
fx_version 'cerulean'
game 'gta5'
lua54 'yes'

name 'cad_mdt'
description 'CAD/MDT integration: duty, calls, status, lookups, reports, vehicles, BOLOs, panic, live map'
version '1.0.0'

-- Shared helpers only: config.lua is server-only because it may hold the fallback API token.
shared_scripts {
    'shared/util.lua',
}

server_scripts {
    'config.lua',
    'server/http.lua',
    'server/players.lua',
    'server/commands.lua',
    'server/positions.lua',
    'server/main.lua',
}

client_scripts {
    'client/settings.lua',
    'client/main.lua',
}

ui_page 'html/index.html'

files {
    'html/index.html',
    'html/overlay.css',
    'html/overlay.js',
}
