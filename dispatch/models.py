from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cad.core.tenancy import Archivable, CommunityOwned, Timestamped

from .choices import ToneType, UnitJob, UnitState


class Unit(CommunityOwned, Timestamped):
    """An on-duty (or recently on-duty) unit. Going off duty keeps the row with `on_duty=False`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="units")
    character = models.ForeignKey("characters.Character", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="units")
    name = models.CharField(max_length=60, help_text="Callsign / unit name, e.g. 1-Adam-12")
    department = models.ForeignKey("core.Department", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="units")
    job = models.CharField(max_length=16, choices=UnitJob.choices, default=UnitJob.POLICE)
    state = models.CharField(max_length=16, choices=UnitState.choices, default=UnitState.AVAILABLE)
    status_code = models.ForeignKey("core.StatusCode", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    status_text = models.CharField(max_length=40, blank=True, default="",
                                   help_text="Free status a game server sent (e.g. 'patrolling').")
    radio_channel = models.CharField(max_length=40, blank=True, default="")
    current_call = models.ForeignKey("calls.Call", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    api_ids = models.JSONField(default=list, blank=True, help_text='Game ids, e.g. ["steam:1100001...", "discord:..."]')
    external_id = models.CharField(max_length=80, blank=True, default="",
                                   help_text="The id a game server uses for this unit (000's unitId).")
    on_duty = models.BooleanField(default=True)
    on_duty_since = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    # When state or status code last changed: the units column's "time in status" (positions and radio
    # changes move `last_activity_at` without changing the status).
    status_changed_at = models.DateTimeField(default=timezone.now)

    class Meta(CommunityOwned.Meta):
        ordering = ["name"]
        indexes = [
            models.Index(fields=["community", "on_duty"]),
            models.Index(fields=["community", "external_id"]),
            models.Index(fields=["on_duty", "last_activity_at"]),
        ]
        constraints = [
            # One live unit per character: going on duty twice must not create a twin.
            models.UniqueConstraint(fields=["character"], condition=models.Q(on_duty=True),
                                    name="unit_one_on_duty_per_character"),
        ]

    def __str__(self) -> str:
        return self.name


class ActiveDispatcher(CommunityOwned, Timestamped):
    """A user who is dispatching right now (001's dispatchers-state); the row goes when they stop."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey("core.Department", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", help_text="001's activeDepartment filter; empty: all.")

    class Meta(CommunityOwned.Meta):
        constraints = [models.UniqueConstraint(fields=["community", "user"], name="active_dispatcher_once")]

    def __str__(self) -> str:
        return f"dispatcher {self.user_id}"


class Tone(CommunityOwned, Archivable, Timestamped):
    """001's active tone: at most one live tone per audience (LEO, EMS/FD); deleting archives it."""

    type = models.CharField(max_length=8, choices=ToneType.choices)
    description = models.CharField(max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta(CommunityOwned.Meta):
        ordering = ["type"]
        constraints = [models.UniqueConstraint(fields=["community", "type"], condition=models.Q(archived_at__isnull=True),
                                               name="tone_one_active_per_type")]

    def __str__(self) -> str:
        return f"{self.type}: {self.description}"


class DispatchState(CommunityOwned):
    """What dispatch has declared for the whole community: the area of play and Signal 100 (001's
    `/dispatch` state). One row per community, made the first time dispatch declares something; a community
    without one has no area of play and no Signal 100 (`selectors.dispatch_state`)."""

    area_of_play = models.CharField(max_length=200, blank=True, default="")
    signal100 = models.BooleanField(default=False)
    signal100_call = models.ForeignKey("calls.Call", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+", help_text="The call Signal 100 was declared for, if any.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(CommunityOwned.Meta):
        constraints = [models.UniqueConstraint(fields=["community"], name="dispatch_state_one_per_community")]

    def __str__(self) -> str:
        return f"dispatch state of {self.community_id}"
