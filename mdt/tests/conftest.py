import pytest
from django.test import Client

from cad.core.models import Department
from records.tests.factories import make_character, make_vehicle


@pytest.fixture
def web():
    """web(user) → a Django test client signed in as that user (session cookie, like a browser), sending
    what the MDT's htmx sends (`HX-Request`); web(user, htmx=False) is a plain form submission."""

    def make(user, *, htmx: bool = True) -> Client:
        client = Client(headers={"HX-Request": "true"} if htmx else {})
        client.force_login(user)
        return client

    return make


@pytest.fixture
def lspd(community):
    return Department.objects.for_community(community).get(short_name="LSPD")


@pytest.fixture
def officer_char(community, officer, lspd):
    return make_character(community, first="Adam", last="Adams", type="leo", user=officer, department=lspd,
                          callsign="1-A-12")


@pytest.fixture
def subject(community, civilian):
    return make_character(community, first="John", last="Smith", type="civilian", user=civilian)


@pytest.fixture
def stolen_car(community, subject):
    return make_vehicle(community, plate="STOLEN1", owner=subject, is_stolen=True)


@pytest.fixture
def other_subject(other_community, outsider):
    return make_character(other_community, first="Olga", last="Other", type="civilian", user=outsider)
