from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cad.core.jsonstore import FloatKeepingEncoder
from cad.core.tenancy import Archivable, CommunityOwned, Timestamped

from .choices import (
    AssignmentState,
    CallApproval,
    CallerStatus,
    CallOrigin,
    CallPriority,
    CallStatus,
    caller_status,
)


class Call(CommunityOwned, Archivable, Timestamped):
    """A call for service, whichever dialect created it."""

    number = models.PositiveIntegerField(help_text="Sequential per community; never reset or reused.")
    call_type = models.CharField(max_length=120, blank=True, default="")
    call_type_ref = models.ForeignKey("core.CallType", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    situation_code = models.CharField(max_length=60, blank=True, default="")
    title = models.CharField(max_length=200, blank=True, default="")
    code = models.CharField(max_length=60, blank=True, default="")
    location = models.CharField(max_length=200, blank=True, default="")
    block = models.CharField(max_length=20, blank=True, default="")
    postal = models.CharField(max_length=20, blank=True, default="")
    x = models.FloatField(null=True, blank=True)
    y = models.FloatField(null=True, blank=True)
    z = models.FloatField(null=True, blank=True)
    caller = models.CharField(max_length=120, blank=True, default="")
    description = models.TextField(blank=True, default="")
    origin = models.CharField(max_length=16, choices=CallOrigin.choices, default=CallOrigin.CALLER)
    priority = models.PositiveSmallIntegerField(choices=CallPriority.choices, default=CallPriority.NORMAL)
    status = models.CharField(max_length=16, choices=CallStatus.choices, default=CallStatus.PENDING)
    approval = models.CharField(max_length=10, choices=CallApproval.choices, default=CallApproval.NONE,
                                help_text="001: a 911 call waiting for a dispatcher stays off every board.")
    disposition = models.CharField(max_length=120, blank=True, default="")
    closing_notes = models.TextField(blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True, encoder=FloatKeepingEncoder)
    department = models.ForeignKey("core.Department", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    division = models.ForeignKey("core.Division", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_by_character = models.ForeignKey("characters.Character", null=True, blank=True,
                                             on_delete=models.SET_NULL, related_name="+")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    scene_commander = models.ForeignKey("dispatch.Unit", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    attached_civilians = models.ManyToManyField("characters.Character", blank=True, related_name="attached_to_calls")
    attached_vehicles = models.ManyToManyField("characters.Vehicle", blank=True, related_name="attached_to_calls")
    closed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(auto_now_add=True)
    # When `status` last took its current value: the board's overdue clock (a note moves
    # `last_activity_at` but leaves a call just as stuck in its status).
    status_changed_at = models.DateTimeField(default=timezone.now)
    archive_reason = models.CharField(max_length=200, blank=True, default="")
    # A name, not a FK: game-server tokens and the expiry sweep archive calls too (003 `deletedBy`).
    archived_by_name = models.CharField(max_length=150, blank=True, default="")

    class Meta(CommunityOwned.Meta):
        ordering = ["priority", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["community", "number"], name="call_community_number")]
        indexes = [
            models.Index(fields=["community", "status", "archived_at"]),
            models.Index(fields=["community", "origin", "status"]),
            models.Index(fields=["status", "last_activity_at"]),
            models.Index(fields=["community", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.title or self.call_type}"

    @property
    def incident_number(self) -> str:
        return f"INC-{self.created_at:%Y}-{self.number:06d}"

    @property
    def caller_view(self) -> CallerStatus:
        """What the person who called 911 is told of this call (choices.caller_status)."""
        return caller_status(status=self.status, approval=self.approval, archived=self.archived_at is not None)


class CallNote(CommunityOwned):
    """One narrative entry: a person's note or a system entry (status change, assignment, ...)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    label = models.CharField(max_length=40, blank=True, default="", help_text="002's note label, e.g. A-10")
    kind = models.CharField(max_length=16, default="text", help_text="text | system")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    author_name = models.CharField(max_length=120, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(CommunityOwned.Meta):
        ordering = ["created_at"]


class CallAssignment(CommunityOwned):
    """A unit on a call, with its own progress. `is_primary` marks 002's primary unit."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("dispatch.Unit", on_delete=models.CASCADE, related_name="assignments")
    state = models.CharField(max_length=16, choices=AssignmentState.choices, default=AssignmentState.ASSIGNED)
    is_primary = models.BooleanField(default=False)
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta(CommunityOwned.Meta):
        ordering = ["assigned_at"]
        constraints = [
            models.UniqueConstraint(fields=["call", "unit"], name="assignment_call_unit"),
            models.UniqueConstraint(fields=["call"], condition=models.Q(is_primary=True),
                                    name="assignment_one_primary_per_call"),
        ]


class PanicAlert(CommunityOwned):
    """A panic (004 /fivem/panic, 003 panic-button, the dashboard): its call, who raised it, and whether a
    dispatcher has acknowledged it. Unacknowledged panics stay on every board, a refresh included."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="panic")
    unit = models.ForeignKey("dispatch.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    character = models.ForeignKey("characters.Character", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    officer_name = models.CharField(max_length=120, blank=True, default="")
    callsign = models.CharField(max_length=60, blank=True, default="")
    location = models.CharField(max_length=200, blank=True, default="")
    postal = models.CharField(max_length=20, blank=True, default="")
    source = models.CharField(max_length=16, default="fivem", help_text="fivem | dispatch")
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    acknowledged_by_name = models.CharField(max_length=150, blank=True, default="")

    class Meta(CommunityOwned.Meta):
        ordering = ["created_at"]
        indexes = [models.Index(fields=["community", "acknowledged_at"])]

    def __str__(self) -> str:
        return f"panic {self.callsign or self.officer_name} ({self.created_at:%H:%M:%S})"
