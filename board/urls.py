from django.urls import path

from . import views

urlpatterns = [
    path("dispatch", views.board, name="dispatch"),
    *[path(f"dispatch/{name}", views.part, {"name": name}, name=f"board-{name}") for name in views.PARTS],
    path("dispatch/command", views.command, name="board-command"),
    path("dispatch/aop", views.aop, name="board-aop"),
    path("dispatch/tone", views.tone, name="board-tone"),
    path("dispatch/signal100", views.signal100, name="board-signal100"),
    path("dispatch/active", views.active_dispatcher, name="board-active"),
    path("dispatch/calls", views.call_create, name="board-call-create"),
    path("dispatch/calls/<uuid:call_id>", views.incident, name="board-incident"),
    path("dispatch/calls/<uuid:call_id>/row", views.queue_row, name="board-queue-row"),
    path("dispatch/calls/<uuid:call_id>/suggestions", views.suggestions, name="board-suggestions"),
    path("dispatch/calls/<uuid:call_id>/notes", views.call_note, name="board-call-note"),
    path("dispatch/calls/<uuid:call_id>/assign", views.call_assign, name="board-call-assign"),
    path("dispatch/calls/<uuid:call_id>/attach", views.call_attach, name="board-call-attach"),
    path("dispatch/calls/<uuid:call_id>/attach-self", views.call_attach_self, name="board-call-attach-self"),
    path("dispatch/calls/<uuid:call_id>/units/<uuid:unit_id>/remove", views.call_unassign, name="board-call-unassign"),
    path("dispatch/calls/<uuid:call_id>/units/<uuid:unit_id>/scene-command", views.call_scene_command,
         name="board-call-scene"),
    path("dispatch/calls/<uuid:call_id>/status", views.call_status, name="board-call-status"),
    path("dispatch/calls/<uuid:call_id>/close", views.call_close, name="board-call-close"),
    path("dispatch/calls/<uuid:call_id>/edit", views.call_edit, name="board-call-edit"),
    path("dispatch/calls/<uuid:call_id>/delete", views.call_delete, name="board-call-delete"),
    path("dispatch/units/<uuid:unit_id>/status", views.unit_status, name="board-unit-status"),
    path("dispatch/panics/<uuid:panic_id>/acknowledge", views.panic_acknowledge, name="board-panic-ack"),
    path("dispatch/bolos/<uuid:bolo_id>/viewed", views.bolo_viewed, name="board-bolo-viewed"),
]
