"""Community administration in the browser (/settings): members and invites, value lists with JSON
export and import, API tokens, modules and thresholds, sounds, the duty webhook, Discord role mapping,
map pictures, the FiveM resource download and the audit log. Pages only: the state changes are the
services of cad.core, accounts and maps."""
