import pytest

from cad.core.models import Department

from .factories import make_character


@pytest.fixture
def lspd(community):
    return Department.objects.for_community(community).get(short_name="LSPD")


@pytest.fixture
def officer_char(community, officer, lspd):
    return make_character(community, first="Adam", last="Adams", type="leo", user=officer, department=lspd)


@pytest.fixture
def supervisor_char(community, supervisor, lspd):
    return make_character(community, first="Sam", last="Sarge", type="leo", user=supervisor, department=lspd)


@pytest.fixture
def subject(community, civilian):
    return make_character(community, first="John", last="Smith", type="civilian", user=civilian)


@pytest.fixture
def other_subject(other_community, outsider):
    return make_character(other_community, first="Olga", last="Other", type="leo", user=outsider)
