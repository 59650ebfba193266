from __future__ import annotations

import pytest
from django.db import connection

from cad.core.errors import Conflict, Invalid
from characters import selectors, services
from characters.models import Character
from characters.plates import clean_plate
from characters.services import characters as character_rules

from .factories import make_character

pytestmark = pytest.mark.django_db


def test_generated_numbers_retry_on_collision(community, monkeypatch):
    first = make_character(community, ssn="111-11-1111", license_number="DL-11111")
    draws = iter(["111-11-1111", "222-22-2222"])
    monkeypatch.setattr(character_rules, "_random_ssn", lambda: next(draws))
    dls = iter(["DL-11111", "DL-22222"])
    monkeypatch.setattr(character_rules, "_random_license_number", lambda attempt: next(dls))
    second = make_character(community, first="B")
    assert (second.ssn, second.license_number) == ("222-22-2222", "DL-22222")
    assert first.ssn != second.ssn


def test_generated_numbers_survive_an_insert_race(community, monkeypatch):
    """The pre-check passes but the insert hits the unique constraint (someone else won): draw again."""
    make_character(community, ssn="111-11-1111", license_number="DL-11111")
    draws = iter([("111-11-1111", "DL-11111"), ("333-33-3333", "DL-33333")])
    current = {}

    def fake_ssn():
        current["pair"] = next(draws)
        return current["pair"][0]

    monkeypatch.setattr(character_rules, "_random_ssn", fake_ssn)
    monkeypatch.setattr(character_rules, "_random_license_number", lambda attempt: current["pair"][1])
    real_exists = type(Character.objects.all_communities()).exists
    calls = {"n": 0}

    def blind_exists(qs):
        calls["n"] += 1
        return False if calls["n"] == 2 else real_exists(qs)  # the generated-pair check misses the clash once

    monkeypatch.setattr(type(Character.objects.all_communities()), "exists", blind_exists)
    c = make_character(community, first="Racer")
    assert (c.ssn, c.license_number) == ("333-33-3333", "DL-33333")


def test_given_numbers_clash_is_409_and_format_checked(community):
    make_character(community, ssn="123-45-6789", license_number="DL-00001")
    with pytest.raises(Conflict):
        make_character(community, ssn="123-45-6789")
    with pytest.raises(Conflict):
        make_character(community, license_number="dl-00001")
    with pytest.raises(Invalid):
        make_character(community, license_number="DL 1")
    assert Character.objects.for_community(community).count() == 1


def test_license_numbers_widen_when_crowded():
    assert len(character_rules._random_license_number(0)) == len("DL-12345")
    assert len(character_rules._random_license_number(8)) == len("DL-1234567")


def test_normalize_plate():
    assert clean_plate(" ab-c 12 ") == "ABC12"
    for bad in ("A", "ABCDEFGHI", "AB_1", None, 12):
        with pytest.raises(Invalid):
            clean_plate(bad)


def test_selectors(community, other_community, civilian, officer, civ_char, officer_char, outsider):
    assert selectors.character_for_discord(community, "100000000000000002") == civ_char
    assert selectors.character_for_discord(other_community, "100000000000000002") is None
    assert selectors.character_for_discord(community, "nope") is None
    extra = make_character(community, civilian, first="Second")
    assert selectors.character_for_discord(community, "100000000000000002") is None  # two, none picked
    services.character_activate(character=extra, user=civilian)
    assert selectors.character_for_discord(community, "100000000000000002") == extra
    assert set(selectors.characters_of_user(civilian, community)) == {civ_char, extra}
    services.character_archive(character=extra)
    assert list(selectors.characters_of_user(civilian, community)) == [civ_char]
    assert len(selectors.characters_of_user(civilian, community, include_archived=True)) == 2
    assert list(selectors.characters_of_user(outsider, community)) == []

    v = services.vehicle_register(community=community, owner=civ_char, plate="ABC123")
    assert selectors.vehicle_for_plate(community, "abc 123") == v
    assert selectors.vehicle_for_plate(other_community, "ABC123") is None
    assert selectors.vehicle_for_plate(community, "!!") is None


def test_weapons_license_statuses_bulk(community, civ_char, officer_char, django_assert_num_queries):
    community.weapons_enabled = True
    community.save()
    services.weapon_license_apply(character=civ_char)
    with django_assert_num_queries(1):
        statuses = selectors.weapons_license_statuses([civ_char, officer_char])
    assert statuses == {civ_char.pk: "pending", officer_char.pk: "none"}
    chars = list(Character.objects.for_community(community).prefetch_related(*selectors.character_prefetches()))
    with django_assert_num_queries(0):
        assert {c.pk: services.weapons_license_status(c) for c in chars} == statuses
        assert all(selectors.live_license(c) is None for c in chars)


def test_archived_character_cannot_get_things(community, civ_char):
    services.character_archive(character=civ_char)
    with pytest.raises(Invalid):
        services.vehicle_register(community=community, owner=civ_char, plate="ABC1")


@pytest.mark.postgres
def test_trigram_indexes_exist_on_postgres(community):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%trgm'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"character_first_name_trgm", "character_last_name_trgm", "vehicle_plate_trgm",
            "character_first_name_utrgm", "character_last_name_utrgm", "vehicle_plate_utrgm"} <= names


def test_admin_pages(client, community, civ_char, settings):
    from django.contrib.auth import get_user_model

    community.dmv_enabled = True
    community.save()
    lic = services.license_issue(character=civ_char, license_class="E")
    vehicle = services.vehicle_register(community=community, owner=civ_char, plate="ADM1")
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw-root-123")
    client.force_login(root)
    for model in ("character", "vehicle", "drivinglicense", "weapon", "weaponlicenseapplication", "activecharacter"):
        assert client.get(f"/admin/characters/{model}/").status_code == 200, model
    assert client.get(f"/admin/characters/character/{civ_char.pk}/change/").status_code == 200
    assert client.get(f"/admin/characters/drivinglicense/{lic.pk}/change/").status_code == 200
    assert client.get(f"/admin/characters/vehicle/{vehicle.pk}/change/").status_code == 200
    assert client.get("/admin/characters/weapon/add/").status_code == 200
    r = client.get("/admin/autocomplete/?app_label=characters&model_name=vehicle&field_name=owner&term=Carl")
    assert r.status_code == 200 and r.json()["results"][0]["id"] == str(civ_char.pk)


def _blind_first_check(monkeypatch, module, name):
    """The update's pre-check misses the winner once (a racing write lands between it and the save)."""
    real = getattr(module, name)
    calls = {"n": 0}

    def check(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 1:
            real(*args, **kwargs)

    monkeypatch.setattr(module, name, check)


def test_vehicle_update_raced_to_a_plate_is_409_naming_the_winner(community, monkeypatch, events,
                                                                  django_capture_on_commit_callbacks):
    from characters.services import vehicles
    owner = make_character(community)
    winner = services.vehicle_register(community=community, owner=owner, plate="RACE1")
    loser = services.vehicle_register(community=community, owner=owner, plate="SLOW1")
    _blind_first_check(monkeypatch, vehicles, "_plate_conflict")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Conflict) as caught:
        services.vehicle_update(vehicle=loser, plate="RACE1")
    assert caught.value.extra["vehicle_id"] == str(winner.pk)
    loser.refresh_from_db()
    assert loser.plate == "SLOW1"
    assert not [names for names, _ in events if "vehicle-updated" in names]


def test_weapon_update_raced_to_a_serial_is_409_naming_the_winner(community, monkeypatch, events,
                                                                 django_capture_on_commit_callbacks):
    from characters.services import weapons

    from .factories import enable_weapons
    enable_weapons(community)
    owner = make_character(community)
    winner = services.weapon_register(community=community, owner=owner, serial_number="SN-1")
    loser = services.weapon_register(community=community, owner=owner, serial_number="SN-2")
    _blind_first_check(monkeypatch, weapons, "_serial_conflict")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Conflict) as caught:
        services.weapon_update(weapon=loser, serial_number="SN-1")
    assert caught.value.extra["weapon_id"] == str(winner.pk)
    loser.refresh_from_db()
    assert loser.serial_number == "SN-2"
    assert not [names for names, _ in events if "weapon-updated" in names]
