"""The DMV point story (004): accrue, the 12th point suspends, expiry lifts it, a disabled point system
suspends nothing, an admin override wins, and the daily sweep is idempotent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from characters import services
from characters.choices import LicenseStatus
from characters.models import DrivingLicense, LicensePointEntry

from .factories import enable_dmv, make_character

pytestmark = pytest.mark.django_db


@pytest.fixture
def licensed(community, civilian):
    enable_dmv(community)
    character = make_character(community, civilian)
    lic = services.license_issue(character=character, license_class="E")
    return character, lic


def _fresh(lic):
    return DrivingLicense.objects.for_community(lic.community_id).get(pk=lic.pk)


def test_points_accrue_and_the_twelfth_suspends(community, licensed, django_capture_on_commit_callbacks, events):
    character, lic = licensed
    t0 = timezone.now() - timedelta(days=100)
    for i, pts in enumerate((4, 4, 3)):
        services.license_points_add(character=character, points=pts, issued_at=t0 + timedelta(days=i),
                                    source=f"citation:{i}")
    lic = _fresh(lic)
    assert (lic.points, lic.status, lic.suspended_until) == (11, LicenseStatus.VALID, None)

    with django_capture_on_commit_callbacks(execute=True):
        result = services.license_points_add(character=character, points=1, source="citation:12th")
    lic = _fresh(lic)
    assert result.pk == lic.pk
    assert lic.points == 12 and lic.status == LicenseStatus.SUSPENDED
    expected_end = lic.suspended_at + timedelta(days=community.dmv_suspension_days)
    assert lic.suspended_until == expected_end
    assert [names for names, _ in events] == [("license-updated",)]
    assert events[0][1]["status"] == "suspended" and events[0][1]["points"] == 12


def test_points_are_clamped_and_bad_points_rejected(community, licensed):
    character, lic = licensed
    services.license_points_add(character=character, points=40)
    assert _fresh(lic).points == 12
    services.license_points_add(character=character, points=-5)
    assert LicensePointEntry.objects.for_community(community).count() == 1
    from cad.core.errors import Invalid

    with pytest.raises(Invalid):
        services.license_points_add(character=character, points="lots")


def test_expiry_lifts_the_suspension_at_the_next_recalculation(community, licensed):
    character, lic = licensed
    now = timezone.now()
    services.license_points_add(character=character, points=8, issued_at=now - timedelta(days=360))
    services.license_points_add(character=character, points=4, issued_at=now - timedelta(days=1))
    lic = _fresh(lic)
    assert lic.status == LicenseStatus.SUSPENDED and lic.points == 12

    # Day 364: nothing has expired yet; recalculating changes nothing.
    assert services.license_recalculate(license=lic, now=now + timedelta(days=4)).status == LicenseStatus.SUSPENDED
    # Day 366: the 8 points are past the 365-day window: 4 left, under the threshold, the suspension lifts
    # even though the 30 days are not over.
    later = now + timedelta(days=6)
    lic = services.license_recalculate(license=_fresh(lic), now=later)
    assert (lic.points, lic.status, lic.suspended_until) == (4, LicenseStatus.VALID, None)


def test_served_suspension_lifts_and_is_not_reapplied(community, licensed):
    character, lic = licensed
    services.license_points_add(character=character, points=12)
    lic = _fresh(lic)
    assert lic.status == LicenseStatus.SUSPENDED
    after = lic.suspended_until + timedelta(minutes=1)
    lic = services.license_recalculate(license=lic, now=after)
    assert lic.status == LicenseStatus.VALID and lic.points == 12  # still on record until they expire
    assert services.license_recalculate(license=_fresh(lic), now=after + timedelta(days=1)).status == "valid"


def test_disabled_point_system_records_points_and_suspends_nothing(community, civilian):
    enable_dmv(community, points=False)
    character = make_character(community, civilian)
    lic = services.license_issue(character=character, license_class="E")
    services.license_points_add(character=character, points=12)
    services.license_points_add(character=character, points=5)
    lic = _fresh(lic)
    assert lic.points == 17 and lic.status == LicenseStatus.VALID
    assert services.licenses_recalculate_all() == 0
    assert _fresh(lic).status == LicenseStatus.VALID

    # Switching the point system on suspends at the next recalculation; off again lifts it.
    community.dmv_points_enabled = True
    community.save()
    assert services.licenses_recalculate_all() == 1
    assert _fresh(lic).status == LicenseStatus.SUSPENDED
    community.dmv_points_enabled = False
    community.save()
    assert services.licenses_recalculate_all() == 1
    assert _fresh(lic).status == LicenseStatus.VALID


def test_dmv_module_off_records_nothing(community, civilian):
    enable_dmv(community)
    character = make_character(community, civilian)
    services.license_issue(character=character, license_class="E")
    community.dmv_enabled = False
    community.save()
    assert services.license_points_add(character=character, points=5) is None
    assert LicensePointEntry.objects.for_community(community).count() == 0


def test_no_license_returns_none(community, civilian):
    enable_dmv(community)
    character = make_character(community, civilian)
    assert services.license_points_add(character=character, points=5) is None


def test_admin_override_wins_until_cleared(community, licensed, admin):
    character, lic = licensed
    services.license_points_add(character=character, points=12)
    assert _fresh(lic).status == LicenseStatus.SUSPENDED

    lic = services.license_override(license=_fresh(lic), status=LicenseStatus.VALID, by=admin)
    assert lic.status == LicenseStatus.VALID and lic.override
    services.license_points_add(character=character, points=3)
    services.licenses_recalculate_all(now=timezone.now() + timedelta(days=60))
    lic = _fresh(lic)
    assert lic.points == 15 and lic.status == LicenseStatus.VALID  # points refresh, the admin's status stands

    lic = services.license_override(license=lic, by=admin, clear=True)
    assert not lic.override and lic.status == LicenseStatus.SUSPENDED


def test_admin_revocation_survives_expiry(community, licensed, admin):
    character, lic = licensed
    services.license_override(license=lic, status=LicenseStatus.REVOKED, license_class="M", by=admin)
    lic = services.license_recalculate(license=_fresh(lic), now=timezone.now() + timedelta(days=800))
    assert lic.status == LicenseStatus.REVOKED and lic.license_class.code == "M"


def test_admin_timed_suspension_ends_on_its_date(community, licensed, admin):
    character, lic = licensed
    until = timezone.now() + timedelta(days=3)
    lic = services.license_override(license=lic, status=LicenseStatus.SUSPENDED, suspended_until=until, by=admin)
    assert lic.status == LicenseStatus.SUSPENDED and lic.override
    assert services.license_recalculate(license=lic, now=until - timedelta(hours=1)).status == "suspended"
    lic = services.license_recalculate(license=_fresh(lic), now=until + timedelta(hours=1))
    assert lic.status == LicenseStatus.VALID and not lic.override


def test_sweep_is_idempotent_and_skips_untouched_licenses(community, licensed, civilian):
    character, lic = licensed
    other = make_character(community, civilian, first="Jane")
    services.license_issue(character=other, license_class="A")  # no points: never a candidate
    services.license_points_add(character=character, points=12, issued_at=timezone.now() - timedelta(days=364))
    later = timezone.now() + timedelta(days=2)
    assert services.licenses_recalculate_all(now=later) == 1
    assert services.licenses_recalculate_all(now=later) == 0
    assert _fresh(lic).status == LicenseStatus.VALID and _fresh(lic).points == 0


def test_beat_task_name_is_the_contract(community, licensed):
    from cad.celery import app
    from characters import tasks

    assert tasks.recalculate_license_points.name == app.conf.beat_schedule["recalculate-license-points"]["task"]
    character, _ = licensed
    services.license_points_add(character=character, points=2)
    assert tasks.recalculate_license_points.run() == 0
