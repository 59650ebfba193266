from datetime import timedelta

import pytest
from django.utils import timezone

from bolos.models import Bolo
from bolos.selectors import active_bolo_for_plate, bolo_search, bolo_summary
from characters.plates import plate_key


def _bolo(community, **kw):
    kw.setdefault("description", "Look out")
    return Bolo.objects.create(community=community, **kw)


def test_normalize_plate():
    assert plate_key(" abc-12 3 ") == "ABC123"
    assert plate_key(None) == ""


@pytest.mark.django_db
def test_active_bolo_for_plate_ignores_inactive_expired_and_other_communities(community, other_community):
    now = timezone.now()
    _bolo(community, vehicle_plate="ABC123", is_active=False)
    _bolo(community, vehicle_plate="ABC123", expires_at=now - timedelta(minutes=1))
    _bolo(other_community, vehicle_plate="ABC123")
    assert active_bolo_for_plate(community, "abc123") is None
    live = _bolo(community, vehicle_plate="ABC123", expires_at=now + timedelta(hours=1), reason="Stolen")
    assert active_bolo_for_plate(community, "abc 123") == live
    assert active_bolo_for_plate(community, "") is None
    assert active_bolo_for_plate(other_community, "ABC123").community_id == other_community.id


@pytest.mark.django_db
def test_bolo_summary_shape(community):
    bolo = _bolo(community, type="vehicle", vehicle_plate="XYZ9876", reason="Robbery", priority="critical",
                 subject_first_name="John", subject_last_name="Doe")
    summary = bolo_summary(bolo)
    assert summary["id"] == str(bolo.id)
    assert summary["plate"] == "XYZ9876"
    assert summary["priority"] == "critical"
    assert summary["subject_name"] == "John Doe"
    assert summary["expires_at"] is None
    assert summary["is_stolen_vehicle"] is False


@pytest.mark.django_db
def test_search_across_fields(community):
    a = _bolo(community, reason="Armed robbery", vehicle_plate="XYZ9876")
    b = _bolo(community, subject_first_name="Jane", subject_last_name="Roe", vehicle_make="Vapid")
    assert list(bolo_search(community, query="robbery")) == [a]
    assert list(bolo_search(community, query="xyz-98")) == [a]
    assert list(bolo_search(community, query="jane vapid")) == [b]
    assert list(bolo_search(community, query="nothing")) == []
