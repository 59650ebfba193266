"""factory_boy factories shared by every app's tests: one place that knows how to make a valid row.

    CharacterFactory(community=community, type="leo", callsign="1-ADAM-12")
    VehicleFactory(community=community, owner=character, plate="ABC123")

Identifiers that must be unique in a community (SSN, license number, plate) come from sequences.
Rows are made directly (`Model.objects.create`), not through services: a test that wants the service's
rules calls the service.
"""

from __future__ import annotations

import factory

from characters.models import Character, Vehicle


class CharacterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Character

    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    type = "civilian"
    ssn = factory.Sequence(lambda n: f"{n // 10000 % 900 + 100:03d}-{n // 10000 % 90 + 10:02d}-{n % 10000:04d}")
    license_number = factory.Sequence(lambda n: f"DL-{n:05d}")
    flags = factory.LazyFunction(list)


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    plate = factory.Sequence(lambda n: f"TST{n:04d}")
    make = "Vapid"
    model = "Dominator"
    color = "Black"
    year = 2020
