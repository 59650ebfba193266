"""Staff users who administer a community see and edit only that community's rows in Django admin."""

import pytest

from cad.core import services
from cad.core.models import CallType, Community


@pytest.fixture
def staff_admin(admin):
    admin.is_staff = True
    admin.save()
    return admin


def test_admin_lists_only_own_community_rows(client, staff_admin, community, other_community):
    client.force_login(staff_admin)
    r = client.get("/admin/core/calltype/")
    assert r.status_code == 200
    own = CallType.objects.for_community(community).first()
    foreign = CallType.objects.for_community(other_community).first()
    assert str(own.pk) in r.content.decode()
    assert str(foreign.pk) not in r.content.decode()
    assert client.get(f"/admin/core/calltype/{foreign.pk}/change/").status_code in (302, 403, 404)
    assert client.get(f"/admin/core/calltype/{own.pk}/change/").status_code == 200
    r = client.get("/admin/core/community/")
    assert community.name in r.content.decode() and other_community.name not in r.content.decode()


def _options(html: str, field: str) -> set[str]:
    """The values offered by the <select name=field> of an admin form (the empty choice left out)."""
    import re

    select = re.search(rf'<select[^>]*name="{field}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, f"no <select> for {field}"
    return {v for v in re.findall(r'<option value="([^"]*)"', select.group(1)) if v}


def test_admin_form_choices_are_scoped(client, staff_admin, community, other_community):
    from cad.core.models import Department

    foreign = Department.objects.create(community=other_community, name="Bravo Sheriff Office",
                                        short_name="BSO", type="sheriff")
    client.force_login(staff_admin)
    r = client.get("/admin/core/division/add/")
    assert r.status_code == 200
    body = r.content.decode()
    # the dropdowns offer exactly this admin's community and its departments: a leak shows up as an option
    assert _options(body, "community") == {str(community.pk)}
    own = {str(pk) for pk in Department.objects.for_community(community).values_list("pk", flat=True)}
    assert own and _options(body, "department") == own
    assert str(foreign.pk) not in body and other_community.name not in body


def test_superuser_sees_everything(client, db, community, other_community):
    root = services.user_ensure(username="root", password="pw-root")
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(root)
    body = client.get("/admin/core/community/").content.decode()
    assert community.name in body and other_community.name in body
    assert Community.objects.count() == 2


def test_every_model_is_registered():
    from django.apps import apps
    from django.contrib import admin as django_admin

    ours = [m for m in apps.get_models() if m._meta.app_label in
            {"core", "characters", "records", "calls", "dispatch", "bolos", "announcements", "lookups", "accounts"}]
    registry = django_admin.site._registry
    inlined = {inline.model for model_admin in registry.values() for inline in model_admin.inlines}
    missing = [m.__name__ for m in ours if m not in registry and m not in inlined]
    assert missing == [], "register these in their app's admin.py (directly or as an inline)"


def test_community_filter_lists_only_own_communities(client, staff_admin, community, other_community):
    client.force_login(staff_admin)
    body = client.get("/admin/core/calltype/").content.decode()
    assert community.name in body
    assert other_community.name not in body and str(other_community.pk) not in body
    foreign = client.get(f"/admin/core/calltype/?community={other_community.pk}")
    assert foreign.status_code == 200 and "Robbery" not in foreign.content.decode()
    assert client.get("/admin/core/calltype/?community=junk").status_code == 200


def test_raw_id_fields_render_for_community_rows(client, staff_admin, community):
    from characters.models import Character
    from dispatch.models import Unit

    character = Character.objects.create(community=community, first_name="Al", last_name="Adams", ssn="111-22-3333",
                                         license_number="DL-11111", type="leo")
    unit = Unit.objects.create(community=community, name="1-Adam-12", character=character)
    client.force_login(staff_admin)
    r = client.get(f"/admin/dispatch/unit/{unit.pk}/change/")
    assert r.status_code == 200 and "Al Adams" in r.content.decode()
