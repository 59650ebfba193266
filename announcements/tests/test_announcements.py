from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from announcements.models import Announcement
from announcements.services import announcements_expire
from announcements.tasks import expire_announcements

pytestmark = pytest.mark.django_db

EXAMPLE = {
    "title": "Severe Weather Warning",
    "message": "Tornado warning in effect for the northern district until 2100 hours.",
    "priority": "warning",
}


def _make(community, **kw) -> Announcement:
    kw.setdefault("title", "T")
    kw.setdefault("message", "M")
    return Announcement.objects.create(community=community, **kw)


def test_create(as_, supervisor, community, events, django_capture_on_commit_callbacks):
    expires = timezone.now() + timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        r = as_(supervisor).post("/api/announcements", {**EXAMPLE, "expiresAt": expires.isoformat(),
                                                        "communityId": str(community.pk)}, format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["success"] is True
    out = body["announcement"]
    assert out["_id"] == out["id"] and out["communityId"] == str(community.pk)
    assert (out["title"], out["priority"]) == (EXAMPLE["title"], "warning")
    assert out["createdBy"] == out["createdByName"] == "supervisor_a"
    assert out["expiresAt"].startswith(expires.strftime("%Y-%m-%dT%H:%M:%S"))
    row = Announcement.objects.for_community(community).get(pk=out["id"])
    assert row.created_by == supervisor
    assert len(events) == 1
    names, payload = events[0]
    assert names == ("new-announcement",)
    assert set(payload) >= {"_id", "title", "message", "priority", "communityId", "createdByName", "expiresAt"}
    assert payload["_id"] == out["id"] and payload["createdByName"] == "supervisor_a"
    assert payload["priority"] == "warning" and payload["expiresAt"].endswith("Z")


def test_create_without_expiry_lasts_until_deleted(as_, admin, community):
    r = as_(admin).post("/api/announcements", EXAMPLE, format="json")
    assert r.status_code == 201 and r.json()["announcement"]["expiresAt"] is None
    later = timezone.now() + timedelta(days=3650)
    assert announcements_expire(now=later) == 0
    assert len(as_(admin).get("/api/announcements/active").json()) == 1


def test_api_token_creates_as_supervisor(server, community):
    r = server.post("/api/announcements", EXAMPLE, format="json")
    assert r.status_code == 201
    assert r.json()["announcement"]["createdByName"] == "test server"


@pytest.mark.parametrize("body, field", [
    ({"message": "m", "priority": "info"}, "title"),
    ({"title": "t", "priority": "info"}, "message"),
    ({"title": "t", "message": "m"}, "priority"),
    ({"title": "t", "message": "m", "priority": "critical"}, "priority"),
    ({"title": "   ", "message": "m", "priority": "info"}, "title"),
    ({"title": "t" * 201, "message": "m", "priority": "info"}, "title"),
    ({"title": "t", "message": "m", "priority": "info", "expiresAt": "soon"}, "expiresAt"),
    ({"title": "t", "message": "m", "priority": "info", "expiresAt": "2001-01-01T00:00:00Z"}, "expiresAt"),
])
def test_create_bad_input(as_, supervisor, community, events, body, field, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = as_(supervisor).post("/api/announcements", body, format="json")
    assert r.status_code == 400, r.json()
    assert field in r.json()["fields"]
    assert not Announcement.objects.for_community(community).exists()
    assert events == []


def test_priority_error_names_allowed_values(as_, supervisor):
    r = as_(supervisor).post("/api/announcements", {**EXAMPLE, "priority": "loud"}, format="json")
    assert "info, warning, urgent" in r.json()["fields"]["priority"][0]


@pytest.mark.parametrize("persona", ["dispatcher", "officer", "civilian"])
def test_create_needs_supervisor(request, as_, community, persona):
    r = as_(request.getfixturevalue(persona)).post("/api/announcements", EXAMPLE, format="json")
    assert r.status_code == 403
    assert not Announcement.objects.for_community(community).exists()


def test_create_in_another_community_is_refused(as_, outsider, community):
    r = as_(outsider).post("/api/announcements", {**EXAMPLE, "communityId": str(community.pk)}, format="json")
    assert r.status_code == 403
    assert not Announcement.objects.for_community(community).exists()


def test_active_lists_unexpired_of_this_community(as_, officer, community, other_community):
    now = timezone.now()
    forever = _make(community)
    later = _make(community, expires_at=now + timedelta(minutes=5))
    _make(community, expires_at=now - timedelta(seconds=1))
    _make(other_community)
    r = as_(officer).get("/api/announcements/active")
    assert r.status_code == 200
    assert {a["id"] for a in r.json()} == {str(forever.pk), str(later.pk)}


def test_active_roles(as_, civilian, outsider, community):
    assert as_(civilian).get("/api/announcements/active").status_code == 403
    assert as_(outsider).get(f"/api/announcements/active?communityId={community.pk}").status_code == 403
    assert as_(outsider).get("/api/announcements/active?communityId=nope").status_code == 400


def test_delete_is_permanent_and_published(as_, supervisor, community, events, django_capture_on_commit_callbacks):
    announcement = _make(community)
    with django_capture_on_commit_callbacks(execute=True):
        r = as_(supervisor).delete(f"/api/announcements/{announcement.pk}")
    assert r.status_code == 200 and r.json() == {"success": True}
    assert not Announcement.objects.for_community(community).exists()
    assert events == [(("announcement-removed",), {"id": str(announcement.pk)})]
    assert as_(supervisor).delete(f"/api/announcements/{announcement.pk}").status_code == 404


def test_delete_other_community_bad_id_and_role(as_, supervisor, dispatcher, community, other_community):
    theirs = _make(other_community)
    mine = _make(community)
    assert as_(supervisor).delete(f"/api/announcements/{theirs.pk}").status_code == 404
    assert as_(supervisor).delete("/api/announcements/not-a-uuid").status_code == 404
    assert as_(dispatcher).delete(f"/api/announcements/{mine.pk}").status_code == 403
    assert Announcement.objects.for_community(other_community).filter(pk=theirs.pk).exists()
    assert Announcement.objects.for_community(community).filter(pk=mine.pk).exists()


def test_expiry_publishes_removal_once(community, other_community, events, django_capture_on_commit_callbacks):
    now = timezone.now()
    a = _make(community, expires_at=now + timedelta(minutes=1))
    b = _make(other_community, expires_at=now + timedelta(minutes=2))
    _make(community, expires_at=now + timedelta(hours=1))
    _make(community)
    with django_capture_on_commit_callbacks(execute=True):
        assert announcements_expire(now=now) == 0
        assert announcements_expire(now=now + timedelta(minutes=1)) == 1
        assert announcements_expire(now=now + timedelta(minutes=5)) == 1
        assert announcements_expire(now=now + timedelta(minutes=5)) == 0
    assert events == [(("announcement-removed",), {"id": str(a.pk)}),
                      (("announcement-removed",), {"id": str(b.pk)})]
    a.refresh_from_db()
    assert a.removal_published_at == now + timedelta(minutes=1)  # kept, only out of the active list


def test_deleting_an_expired_announcement_does_not_publish_again(as_, supervisor, community, events,
                                                                 django_capture_on_commit_callbacks):
    announcement = _make(community, expires_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        announcements_expire()
        assert as_(supervisor).delete(f"/api/announcements/{announcement.pk}").status_code == 200
    assert events == [(("announcement-removed",), {"id": str(announcement.pk)})]


def test_beat_task_calls_the_sweep(community, events, django_capture_on_commit_callbacks):
    from cad.celery import app

    assert app.conf.beat_schedule["expire-announcements"]["task"] == expire_announcements.name
    _make(community, expires_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_announcements() == 1
        assert expire_announcements() == 0
    assert [names for names, _ in events] == [("announcement-removed",)]
