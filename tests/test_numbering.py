"""A community's running numbers (cad.core.numbering): one statement, continuing the library's numbers."""

from __future__ import annotations

import pytest
from sequences import get_next_value

from cad.core.numbering import next_number


@pytest.mark.django_db
def test_numbers_start_at_one_and_count_up_per_name():
    assert [next_number("test.a") for _ in range(3)] == [1, 2, 3]
    assert next_number("test.b") == 1
    assert next_number("test.a") == 4


@pytest.mark.django_db
def test_numbers_continue_whichever_path_numbered_before():
    """The rows are django-sequences' own: a database numbered by the library goes on from its last value."""
    assert [get_next_value("test.c") for _ in range(2)] == [1, 2]
    assert next_number("test.c") == 3
    assert get_next_value("test.c") == 4


@pytest.mark.django_db
def test_a_number_is_one_statement(django_assert_num_queries):
    next_number("test.d")
    with django_assert_num_queries(1):
        assert next_number("test.d") == 2
