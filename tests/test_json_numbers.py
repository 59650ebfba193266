"""A JSON field gives back the numbers a client sent (issue 14): PostgreSQL's jsonb prints `1.5e300` as
a 301-digit integer unless it is written with its decimals (cad.core.jsonstore). Run on PostgreSQL by
the PostgreSQL + Redis configuration; on SQLite the same tests hold trivially."""

from __future__ import annotations

import json

import pytest

from cad.core.jsonstore import FloatKeepingEncoder
from calls.models import Call

NUMBERS = {"huge": 1.5e300, "negative": -2.5e120, "edge": 1e16, "odd": 1.2345678901234567e18, "tiny": 1e-300,
           "plain": 1.5, "whole": 3.0, "int": 9007199254740993, "bigint": 2**62, "zero": 0, "nested": [{"x": 7.1e22}]}


def _same(sent, got) -> None:
    assert type(got) is type(sent), (sent, got)
    if isinstance(sent, dict):
        assert sent.keys() == got.keys()
        for key in sent:
            _same(sent[key], got[key])
    elif isinstance(sent, list):
        assert len(sent) == len(got)
        for a, b in zip(sent, got, strict=True):
            _same(a, b)
    else:
        assert sent == got


def test_call_metadata_numbers_read_back_as_sent(as_, dispatcher, community):
    client = as_(dispatcher)
    r = client.post("/api/calls", {"callType": "Traffic Stop", "location": "Main St", "metadata": NUMBERS},
                    format="json")
    assert r.status_code == 201, r.content
    call = Call.objects.for_community(community).get()
    _same(NUMBERS, call.metadata)  # from the database, not the object the request built
    wire = json.loads(client.get(f"/api/calls/{call.pk}").content)["metadata"]
    _same(NUMBERS, wire)


def test_report_data_numbers_read_back_as_sent(as_, officer, community):
    from records.models import Report
    from records.tests.factories import make_character

    author = make_character(community, first="Sam", last="Cop", type="leo", user=officer)
    r = as_(officer).post("/api/reports", {"authorId": str(author.pk), "title": "Crash", "body": "Two cars",
                                           "reportData": {"speed": 1.5e300, "lanes": 2}}, format="json")
    assert r.status_code == 201, r.content
    _same({"speed": 1.5e300, "lanes": 2}, Report.objects.for_community(community).get().report_data)


@pytest.mark.parametrize("value", [1.5e300, -1e16, 123456789.0, 5e-324, 1.7976931348623157e308])
def test_the_encoder_writes_wide_floats_with_their_decimals(value):
    text = json.dumps({"v": value, "s": "float:token:0"}, cls=FloatKeepingEncoder)
    back = json.loads(text)
    assert back == {"v": value, "s": "float:token:0"} and type(back["v"]) is float
    if abs(value) >= 1e16:
        assert "e" not in text.split(",")[0] and text.split(",")[0].endswith(".0")
