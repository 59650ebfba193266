"""Driving licenses and DMV points (004): issue, admin override, points from citations, the daily sweep.

The rule this module implements (`license_recalculate`):
- A license's `points` is the sum of its point entries issued within the community's expiry window
  (`dmv_point_expiry_days`, default 365).
- With the point system on (`dmv_enabled` and `dmv_points_enabled`), a valid license whose counting
  points reach `dmv_point_threshold` (default 12) is suspended from now for `dmv_suspension_days`
  (default 30): `status=suspended`, `suspended_at`, `suspended_until`.
- A point suspension lifts at the next recalculation when expiring points take the total back under the
  threshold, or when `suspended_until` has passed (the suspension was served). A served suspension
  consumes the points that caused it (`points_cleared_at`): they still show in `points` until they expire
  but no longer count towards a new suspension, so a served license is not suspended again at once.
- With the point system off, points are still recorded and totalled; nothing is suspended, and a point
  suspension still in place lifts at the next recalculation.
- Admin override (`license_override`): setting a status or suspension date (a date alone means
  "suspended until then"; a suspension without a date lasts until cleared) marks the license
  `override=True`; recalculation then only refreshes `points` and never touches status or dates, until the
  admin clears the override (`clear=True`) or, for an override suspension with an end date, that date
  passes (the override then ends, its points count as served, and automatic rules resume).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from cad.core import access
from cad.core.errors import Conflict, Invalid
from cad.core.models import Community, LicenseClass
from cad.events import publish

from ..choices import LicenseStatus
from ..models import Character, DrivingLicense, LicensePointEntry
from ..payloads import license_payload
from .common import archive, aware, choice, live_character, require_dmv, user_pk

MAX_CITATION_POINTS = 12


def _license_class(community_id, value: Any) -> LicenseClass:
    if isinstance(value, LicenseClass):
        if value.community_id != community_id or value.archived_at is not None:
            raise Invalid({"class": ["Does not exist in this community."]})
        return value
    if not isinstance(value, str) or not value.strip():
        raise Invalid({"class": ["This field is required."]})
    live = LicenseClass.objects.filter(community_id=community_id).live()
    found = live.filter(code__iexact=value.strip()).first()
    if found is None:
        codes = live.values_list("code", flat=True)
        raise Invalid({"class": [f'"{value}" is not allowed; use one of: {", ".join(codes)}.']})
    return found


def license_issue(
    *, character: Character, license_class: LicenseClass | str, by=None, status: str = LicenseStatus.VALID,
    suspended_until: datetime | None = None,
) -> DrivingLicense:
    """Issue the character's driving license (one live license per character; a second is 409). A status
    other than valid, or a suspension date, is an admin decision: the license starts overridden."""
    community = Community.objects.get(pk=character.community_id)
    require_dmv(community)
    live_character(character)
    lic_class = _license_class(community.pk, license_class)
    status = choice("status", status or LicenseStatus.VALID, LicenseStatus)
    suspended_until = aware("suspended_until", suspended_until)
    if suspended_until is not None and status != LicenseStatus.SUSPENDED:
        raise Invalid({"suspended_until": ["Only a suspended license has a suspension date."]})
    override = status != LicenseStatus.VALID
    try:
        with transaction.atomic():
            if DrivingLicense.objects.filter(community_id=community.pk, character=character).live().exists():
                raise IntegrityError
            lic = DrivingLicense.objects.create(
                community=community, character=character, license_class=lic_class, status=status,
                suspended_until=suspended_until, suspended_at=timezone.now() if status == LicenseStatus.SUSPENDED
                else None, override=override, issued_by=access.person(by))
            publish(community.pk, "license-updated", license_payload(lic))
            return lic
    except IntegrityError:
        existing = DrivingLicense.objects.filter(community_id=community.pk, character=character).live().first()
        raise Conflict(f"{character.full_name} already holds a driving license",
                       license_id=str(existing.pk) if existing else None) from None


def license_override(
    *, license: DrivingLicense, status: str | None = None, license_class: LicenseClass | str | None = None,
    suspended_until: datetime | None = None, by, clear: bool = False,
) -> DrivingLicense:
    """Admin override of status, class and suspension date (see the module docstring for the rule).
    `clear=True` drops the override and recalculates at once."""
    community = Community.objects.get(pk=license.community_id)
    require_dmv(community)
    if clear and (status is not None or suspended_until is not None):
        raise Invalid({"clear_override": ["Clear the override or set a status/date, not both."]})
    lic_class = _license_class(community.pk, license_class) if license_class is not None else None
    status = choice("status", status, LicenseStatus) if status is not None else None
    suspended_until = aware("suspended_until", suspended_until)
    if suspended_until is not None and status not in (None, LicenseStatus.SUSPENDED):
        raise Invalid({"suspended_until": ["Only a suspended license has a suspension date."]})
    now = timezone.now()
    with transaction.atomic():
        lic = DrivingLicense.objects.select_for_update().get(community_id=community.pk, pk=license.pk)
        changed = []
        if lic_class is not None and lic_class.pk != lic.license_class_id:
            lic.license_class = lic_class
            changed.append("license_class")
        if status is not None or suspended_until is not None:
            # A date alone means "suspended until then"; a suspension without a date lasts until cleared.
            new_status = status or LicenseStatus.SUSPENDED
            lic.status, lic.override = new_status, True
            if new_status == LicenseStatus.SUSPENDED:
                lic.suspended_at = lic.suspended_at or now
                lic.suspended_until = suspended_until
            else:
                lic.suspended_at = lic.suspended_until = None
            changed += ["status", "override", "suspended_at", "suspended_until"]
        if clear and lic.override:
            lic.override = False
            if lic.status in (LicenseStatus.REVOKED, LicenseStatus.EXPIRED) or (
                    lic.status == LicenseStatus.SUSPENDED):
                # Back to the automatic rules: points decide whether it is suspended.
                lic.status, lic.suspended_at, lic.suspended_until = LicenseStatus.VALID, None, None
            changed += ["override", "status", "suspended_at", "suspended_until"]
        if changed:
            lic.save(update_fields=[*dict.fromkeys(changed), "updated_at"])
            publish(community.pk, "license-updated", {**license_payload(lic), "by": str(user_pk(by) or "")})
        if clear:
            _recalculate_locked(lic, community, now)
    return lic


def _window_start(community: Community, now: datetime) -> datetime:
    return now - timedelta(days=community.dmv_point_expiry_days)


def _recalculate_locked(lic: DrivingLicense, community: Community, now: datetime) -> bool:
    """The point rule, on a row the caller has locked. Saves and publishes only what changed; True when
    something did."""
    before = (lic.points, lic.status, lic.suspended_at, lic.suspended_until, lic.points_cleared_at, lic.override)
    live = LicensePointEntry.objects.filter(community_id=lic.community_id, license=lic,
                                            issued_at__gt=_window_start(community, now))

    def counting() -> int:
        qs = live if lic.points_cleared_at is None else live.filter(issued_at__gt=lic.points_cleared_at)
        return qs.aggregate(total=Sum("points"))["total"] or 0

    lic.points = live.aggregate(total=Sum("points"))["total"] or 0
    threshold = community.dmv_point_threshold
    system_on = community.dmv_enabled and community.dmv_points_enabled

    if lic.override and lic.status == LicenseStatus.SUSPENDED and lic.suspended_until and lic.suspended_until <= now:
        # An admin suspension with an end date is over: served, automatic rules resume.
        lic.override = False
        lic.status, lic.points_cleared_at = LicenseStatus.VALID, now
        lic.suspended_at = lic.suspended_until = None

    if not lic.override:
        if lic.status == LicenseStatus.SUSPENDED:
            if not system_on or counting() < threshold:
                lic.status, lic.suspended_at, lic.suspended_until = LicenseStatus.VALID, None, None
            elif lic.suspended_until is not None and lic.suspended_until <= now:
                lic.points_cleared_at = lic.suspended_at or now
                lic.status, lic.suspended_at, lic.suspended_until = LicenseStatus.VALID, None, None
        if lic.status == LicenseStatus.VALID and system_on and counting() >= threshold:
            lic.status, lic.suspended_at = LicenseStatus.SUSPENDED, now
            lic.suspended_until = now + timedelta(days=community.dmv_suspension_days)

    after = (lic.points, lic.status, lic.suspended_at, lic.suspended_until, lic.points_cleared_at, lic.override)
    if after != before:
        lic.save(update_fields=["points", "status", "suspended_at", "suspended_until", "points_cleared_at",
                                "override", "updated_at"])
        publish(lic.community_id, "license-updated", license_payload(lic))
    return after != before


def license_recalculate(*, license: DrivingLicense, now: datetime | None = None) -> DrivingLicense:
    """Recount the unexpired points and apply the suspension rule (module docstring). Idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        lic = DrivingLicense.objects.select_for_update().filter(community_id=license.community_id,
                                                                pk=license.pk).first()
        if lic is None or lic.archived_at is not None:
            return lic or license
        _recalculate_locked(lic, Community.objects.get(pk=lic.community_id), now)
        return lic


def license_points_add(
    *, character: Character, points: int, issued_at: datetime | None = None, source: str = "",
) -> DrivingLicense | None:
    """Put a citation's points (clamped 0-12) on the character's live license and recalculate at once.

    Returns None, recording nothing, when the DMV module is off or the character holds no license. With
    the point system off the points are recorded and nothing is suspended."""
    if isinstance(points, bool):
        raise Invalid({"points": ["A whole number from 0 to 12."]})
    try:
        points = int(points)
    except (TypeError, ValueError):
        raise Invalid({"points": ["A whole number from 0 to 12."]}) from None
    points = max(0, min(MAX_CITATION_POINTS, points))
    community = Community.objects.get(pk=character.community_id)
    if not community.dmv_enabled:
        return None
    now = timezone.now()
    issued_at = aware("issued_at", issued_at) or now
    issued_at = min(issued_at, now)
    source = str(source or "")[:80]
    with transaction.atomic():
        lic = (DrivingLicense.objects.select_for_update()
               .filter(community_id=community.pk, character_id=character.pk).live().first())
        if lic is None:
            return None
        if points > 0:
            LicensePointEntry.objects.create(community_id=community.pk, license=lic, points=points,
                                             issued_at=issued_at, source=source)
        _recalculate_locked(lic, community, now)
        return lic


def licenses_recalculate_all(*, now: datetime | None = None) -> int:
    """The daily sweep (beat task `characters.tasks.recalculate_license_points`): every live license that
    could change, each in its own short transaction with the row locked (SKIP LOCKED on PostgreSQL, so
    several workers share the work and never double-apply). Returns how many licenses changed."""
    now = now or timezone.now()
    candidates = (DrivingLicense.objects.all_communities()
                  .filter(community__dmv_enabled=True).live()
                  .filter(Q(points__gt=0) | Q(status=LicenseStatus.SUSPENDED) | Q(override=True))
                  .order_by("pk").values_list("pk", "community_id"))
    communities: dict[Any, Community] = {}
    changed = 0
    # The ID list is read up front (no cursor held open across the per-row commits).
    for pk, community_id in list(candidates):
        if community_id not in communities:
            communities[community_id] = Community.objects.get(pk=community_id)
        with transaction.atomic():
            lic = (DrivingLicense.objects.select_for_update(skip_locked=True)
                   .filter(community_id=community_id, pk=pk).live().first())
            if lic is None:
                continue  # another worker holds it (and reaches the same answer) or it was archived
            changed += _recalculate_locked(lic, communities[community_id], now)
    return changed


@transaction.atomic
def license_archive(*, license: DrivingLicense, by=None) -> DrivingLicense:
    archive(license, "license-updated", lambda lic: {**license_payload(lic), "archived": True})
    return license

