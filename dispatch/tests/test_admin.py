import pytest
from django.contrib.auth.models import Permission
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_admin(admin):
    admin.is_staff = True
    admin.save()
    admin.user_permissions.set(Permission.objects.filter(content_type__app_label="dispatch"))
    client = Client()
    client.force_login(admin)
    return client


@pytest.mark.parametrize("model", ["unit", "tone", "activedispatcher"])
def test_changelists_load(staff_admin, model):
    assert staff_admin.get(f"/admin/dispatch/{model}/").status_code == 200


def test_unit_changelist_shows_only_the_admins_community(staff_admin, unit, other_unit):
    content = staff_admin.get("/admin/dispatch/unit/").content
    assert b"1-ADAM-12" in content and b"9-BRAVO-9" not in content


def test_take_off_duty_action(staff_admin, unit, other_unit, community):
    from dispatch.models import Unit

    r = staff_admin.post("/admin/dispatch/unit/", {"action": "take_off_duty",
                                                   "_selected_action": [str(unit.pk), str(other_unit.pk)]})
    assert r.status_code == 302
    assert not Unit.objects.for_community(community).get(pk=unit.pk).on_duty
    assert Unit.objects.all_communities().get(pk=other_unit.pk).on_duty  # another community's unit is out of reach
