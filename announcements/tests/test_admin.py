import pytest
from django.test import Client

from announcements.models import Announcement

pytestmark = pytest.mark.django_db


def test_admin_lists_only_own_communities(admin, community, other_community):
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    Announcement.objects.create(community=community, title="Ours", message="m")
    Announcement.objects.create(community=other_community, title="Foreign", message="m")
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/announcements/announcement/").content.decode()
    assert "Ours" in page and "Foreign" not in page
