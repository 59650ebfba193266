"""Django admin for calls: scoped to the communities a staff user administers."""

from __future__ import annotations

from cad.core import services as core


def test_admin_lists_only_own_communitys_calls(client, admin, call, other_call, unit):
    from calls import services

    services.call_assign_unit(call=call, unit=unit, by=admin)
    services.call_add_note(call=call, text="Note", by_user=admin)
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    client.force_login(admin)
    listing = client.get("/admin/calls/call/")
    assert listing.status_code == 200
    assert str(call.pk) in listing.content.decode() and str(other_call.pk) not in listing.content.decode()
    assert client.get(f"/admin/calls/call/{call.pk}/change/").status_code == 200
    assert client.get(f"/admin/calls/call/{other_call.pk}/change/").status_code == 302  # not theirs: redirected
    assert client.get("/admin/calls/call/add/").status_code == 403


def test_superuser_sees_every_call(client, call, other_call):
    root = core.user_ensure(username="root", password="pw-root")
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(root)
    page = client.get("/admin/calls/call/").content.decode()
    assert str(call.pk) in page and str(other_call.pk) in page
