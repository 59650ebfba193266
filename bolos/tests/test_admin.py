import pytest
from django.test import Client

from bolos.models import Bolo

pytestmark = pytest.mark.django_db


def test_admin_lists_only_own_communities(admin, community, other_community):
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    Bolo.objects.create(community=community, description="d", reason="Mine here")
    Bolo.objects.create(community=other_community, description="d", reason="Theirs there")
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/bolos/bolo/").content.decode()
    assert "Mine here" in page and "Theirs there" not in page
