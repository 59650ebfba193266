from django.urls import path

from . import pages

urlpatterns = [
    path("settings", pages.settings_page, name="settings"),
    path("settings/save", pages.settings_save, name="settings-save"),
    path("settings/sounds/<str:event>", pages.sound_save, name="settings-sound"),
    path("settings/sounds/<str:event>/reset", pages.sound_reset, name="settings-sound-reset"),
    path("settings/webhook-test", pages.webhook_test, name="settings-webhook-test"),
    path("settings/members", pages.members, name="settings-members"),
    path("settings/members/<uuid:pk>/role", pages.member_role, name="settings-member-role"),
    path("settings/members/<uuid:pk>/remove", pages.member_remove, name="settings-member-remove"),
    path("settings/invites", pages.invite_create, name="settings-invite-create"),
    path("settings/invites/<uuid:pk>/withdraw", pages.invite_withdraw, name="settings-invite-withdraw"),
    path("settings/values", pages.values, name="settings-values"),
    path("settings/values/export", pages.values_export, name="settings-values-export"),
    path("settings/values/import", pages.values_import, name="settings-values-import"),
    path("settings/values/<str:kind>", pages.value_list, name="settings-value-list"),
    path("settings/values/<str:kind>/add", pages.value_add, name="settings-value-add"),
    path("settings/values/<str:kind>/<uuid:pk>", pages.value_edit, name="settings-value-edit"),
    path("settings/values/<str:kind>/<uuid:pk>/archive", pages.value_archive, name="settings-value-archive"),
    path("settings/tokens", pages.tokens, name="settings-tokens"),
    path("settings/tokens/create", pages.token_create, name="settings-token-create"),
    path("settings/tokens/<uuid:pk>/revoke", pages.token_revoke, name="settings-token-revoke"),
    path("settings/discord", pages.discord, name="settings-discord"),
    path("settings/discord/add", pages.discord_add, name="settings-discord-add"),
    path("settings/discord/<uuid:pk>/delete", pages.discord_delete, name="settings-discord-delete"),
    path("settings/game", pages.game, name="settings-game"),
    path("settings/game/map", pages.map_upload, name="settings-map-upload"),
    path("settings/game/postals", pages.postals_upload, name="settings-postals-upload"),
    path("settings/game/cad_mdt.zip", pages.resource_download, name="settings-resource-download"),
    path("settings/audit", pages.audit, name="settings-audit"),
]
