from __future__ import annotations

import pytest

from .factories import make_character


@pytest.fixture
def civ_char(community, civilian):
    return make_character(community, civilian, first="Carl", last="Civvy")


@pytest.fixture
def officer_char(community, officer):
    return make_character(community, officer, first="Olivia", last="Officer", type="leo", callsign="1-A-12")


@pytest.fixture
def foreign_char(other_community, outsider):
    return make_character(other_community, outsider, first="Fred", last="Foreign")
