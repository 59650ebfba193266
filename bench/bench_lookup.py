"""Lookup latency on a big community.

Loads 100,000 characters and 100,000 vehicles (plus warrants, licenses and BOLOs so the result cards
have something to summarize) into one community with bulk_create, then prints p50 / p95 / max latency
of each lookup type: through the real service / selector functions, and through the API views with the
test client (routing, auth, role check, serialization and the camelCase renderer included).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cad_bench_lookup .venv/bin/python bench/bench_lookup.py

Options: --characters N --vehicles N --runs N (per type) --reload (drop the bench community and load again).
The data is loaded once and reused by later runs (the community is called "Bench Lookup").
Target (issue 4): p95 under 25 ms on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import string
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

settings.DEBUG = False  # no query log

from bolos.models import Bolo  # noqa: E402
from cad.core import services as core_services  # noqa: E402
from cad.core.choices import Role  # noqa: E402
from cad.core.models import Community, LicenseClass  # noqa: E402
from characters.models import Character, DrivingLicense, Vehicle  # noqa: E402
from lookups import selectors  # noqa: E402
from lookups.api import views as lookup_views  # noqa: E402
from lookups.services import lookup_search  # noqa: E402
from records.models import Warrant  # noqa: E402

BENCH_NAME = "Bench Lookup"
FIRST = ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth",
         "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
         "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty", "Mark", "Margaret", "Donald", "Sandra",
         "Steven", "Ashley", "Paul", "Kimberly", "Andrew", "Emily", "Joshua", "Donna", "Kenneth", "Michelle",
         "Kevin", "Carol", "Brian", "Amanda", "George", "Melissa", "Timothy", "Deborah", "Ronald", "Stephanie"]
SYLLABLES = ["son", "ley", "ton", "man", "ford", "well", "wood", "ridge", "field", "worth", "ham", "by",
             "ker", "ster", "berg", "stein", "ez", "ski", "ov", "ian", "mar", "del", "ros", "vil", "cor",
             "tan", "bel", "dra", "gar", "lin", "mor", "pen", "quin", "ras", "sal", "tor", "ul", "ven", "wy", "zan"]
ROOTS = ["Smith", "John", "Will", "Brown", "Jon", "Gar", "Mill", "Dav", "Rodri", "Mart", "Hern", "Lop", "Gonz",
         "Wil", "Anders", "Thom", "Tay", "Moor", "Jack", "Whit", "Harr", "Sanch", "Clark", "Ram", "Lew", "Rob",
         "Walk", "Young", "All", "King", "Wright", "Scott", "Torr", "Nguy", "Hill", "Flor", "Green", "Ad", "Nel",
         "Bak", "Hall", "Riv", "Camp", "Mitch", "Cart", "Rob", "Ed", "Coll", "Stew", "Mor", "Murph", "Cook", "Rog"]


def last_name(rng: random.Random) -> str:
    return rng.choice(ROOTS) + "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(0, 2)))


def plate_of(i: int) -> str:
    # 100,000 distinct plates: two letters + base-36 counter, 7 characters.
    digits = string.digits + string.ascii_uppercase
    n, out = i, ""
    for _ in range(5):
        n, r = divmod(n, 36)
        out = digits[r] + out
    return f"{string.ascii_uppercase[i % 26]}{string.ascii_uppercase[(i // 26) % 26]}{out}"


def load(community: Community, n_chars: int, n_vehicles: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    t0 = time.perf_counter()
    have = Character.objects.for_community(community).count()
    batch = 5000
    for start in range(have, n_chars, batch):
        rows = []
        for i in range(start, min(start + batch, n_chars)):
            rows.append(Character(
                community=community, first_name=rng.choice(FIRST), last_name=last_name(rng),
                type="civilian" if i % 10 else "leo", phone=f"555-{i % 10000:04d}",
                ssn=f"{i // 1000000 % 1000:03d}-{i // 10000 % 100:02d}-{i % 10000:04d}",
                license_number=f"DL-{i:06d}", address=f"{i % 999} Grove Street", flags=[] if i % 50 else ["violent"],
            ))
        with transaction.atomic():
            Character.objects.bulk_create(rows, batch_size=batch)
    ids = list(Character.objects.for_community(community).order_by("license_number").values_list("pk", flat=True))
    have_v = Vehicle.objects.for_community(community).count()
    for start in range(have_v, n_vehicles, batch):
        rows = [Vehicle(community=community, plate=plate_of(i), owner_id=ids[rng.randrange(len(ids))],
                        make=rng.choice(["Vapid", "Declasse", "Bravado", "Karin", "Pegassi"]),
                        model=rng.choice(["Dominator", "Buffalo", "Sultan", "Infernus", "Stanier"]),
                        color=rng.choice(["Black", "White", "Red", "Blue"]), year=2000 + i % 25,
                        is_stolen=i % 97 == 0)
                for i in range(start, min(start + batch, n_vehicles))]
        with transaction.atomic():
            Vehicle.objects.bulk_create(rows, batch_size=batch)
    if not Warrant.objects.for_community(community).exists():
        klass = LicenseClass.objects.for_community(community).first()
        with transaction.atomic():
            Warrant.objects.bulk_create([Warrant(community=community, character_id=ids[i], title="FTA")
                                         for i in range(0, len(ids), 10)], batch_size=batch)
            DrivingLicense.objects.bulk_create([DrivingLicense(community=community, character_id=ids[i],
                                                               license_class=klass, points=i % 13)
                                                for i in range(0, len(ids), 3)], batch_size=batch)
            Bolo.objects.bulk_create([Bolo(community=community, type="vehicle", description="bench",
                                           vehicle_plate=plate_of(i)) for i in range(0, n_vehicles, 500)])
    if connection.vendor == "postgresql":
        # What autovacuum does in production after a bulk load: flush the GIN pending lists (a trigram
        # index with a long pending list is scanned linearly) and refresh the planner's statistics.
        with connection.cursor() as cursor:
            for table in ("characters_character", "characters_vehicle", "records_warrant",
                          "characters_drivinglicense", "bolos_bolo", "lookups_lookuphistory"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"loaded in {time.perf_counter() - t0:.1f}s: "
          f"{Character.objects.for_community(community).count()} characters, "
          f"{Vehicle.objects.for_community(community).count()} vehicles")


def stats(samples: list[float]) -> str:
    samples = sorted(samples)
    p50 = statistics.median(samples)
    p95 = samples[max(0, int(round(0.95 * len(samples))) - 1)]
    return f"p50 {p50:6.2f} ms   p95 {p95:6.2f} ms   max {samples[-1]:6.2f} ms"


def timed(fn, args_list, db: list[float] | None = None) -> list[float]:
    """Wall time of each call in ms; with `db`, also the time spent inside SQL execution per call."""
    fn(*args_list[0])  # warm-up
    out = []
    spent = [0.0]

    def wrapper(execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - t

    for args in args_list:
        spent[0] = 0.0
        t = time.perf_counter()
        with connection.execute_wrapper(wrapper):
            fn(*args)
        out.append((time.perf_counter() - t) * 1000)
        if db is not None:
            db.append(spent[0] * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--characters", type=int, default=100_000)
    parser.add_argument("--vehicles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--no-api", action="store_true", help="skip the API-view timings")
    args = parser.parse_args()

    call_command("migrate", verbosity=0, interactive=False)
    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}")
    community = Community.objects.filter(name=BENCH_NAME).first()
    if community is not None and args.reload:
        community.delete()
        community = None
    if community is None:
        community = core_services.community_create(name=BENCH_NAME)
    load(community, args.characters, args.vehicles)  # also VACUUM ANALYZE on PostgreSQL
    user = core_services.user_ensure(username="bench_officer", password=None)
    core_services.membership_set(community=community, user=user, role=Role.OFFICER)

    rng = random.Random(11)
    chars = list(Character.objects.for_community(community).order_by("?")[:args.runs]
                 .values_list("pk", "first_name", "last_name", "ssn", "phone", "license_number"))
    plates = list(Vehicle.objects.for_community(community).order_by("?")[:args.runs].values_list("pk", "plate"))
    queries = {
        "ssn": [c[3] for c in chars],
        "phone": [c[4] for c in chars],
        "plate": [p[1] for p in plates],
        "name": [f"{c[1]} {c[2]}" for c in chars],
        "partial_name": [c[2][: rng.randint(3, 5)] for c in chars],
        "auto: Smi-like (plate+partial)": [c[2][:3] for c in chars],
        "auto: full name": [f"{c[1]} {c[2]}" for c in chars],
    }

    print(f"\nservice lookups.services.lookup_search ({args.runs} runs each; db = time inside SQL)")
    for label, values in queries.items():
        explicit = None if label.startswith("auto") else label
        db: list[float] = []
        samples = timed(lambda q, t: lookup_search(community=community, query=q, type=t, user=user),
                        [(q, explicit) for q in values], db)
        print(f"  {label:32s} {stats(samples)}   | db p50 {statistics.median(db):5.2f} ms")

    print("\nselectors")
    samples = timed(lambda pk: selectors.civilian_profile(community, Character.objects.for_community(community)
                                                          .select_related("department").get(pk=pk)),
                    [(c[0],) for c in chars])
    print(f"  {'civilian profile':32s} {stats(samples)}")
    samples = timed(lambda pk: selectors.vehicle_profile(community, Vehicle.objects.for_community(community)
                                                         .select_related("owner").get(pk=pk)),
                    [(p[0],) for p in plates])
    print(f"  {'vehicle profile':32s} {stats(samples)}")
    samples = timed(lambda plate: selectors.fivem_plate(community, plate), [(p[1],) for p in plates])
    print(f"  {'fivem plate':32s} {stats(samples)}")

    if args.no_api:
        return
    from rest_framework.test import APIClient

    lookup_views.SEARCH_RATE = "1000000/m"  # the bench is one user firing thousands of searches
    client = APIClient()
    client.force_authenticate(user=user)
    cid = str(community.pk)
    print(f"\nAPI through the test client ({args.runs} runs each)")

    def post(q, t):
        r = client.post("/api/lookup", {"query": q, "communityId": cid, **({"type": t} if t else {})}, format="json")
        assert r.status_code == 200, r.content

    for label, values in queries.items():
        explicit = None if label.startswith("auto") else label
        print(f"  POST /api/lookup {label:21s} {stats(timed(post, [(q, explicit) for q in values]))}")

    def get(url):
        r = client.get(url, {"communityId": cid})
        assert r.status_code == 200, r.content

    for label, urls in {
        "GET /api/lookup/civilian/:id": [f"/api/lookup/civilian/{c[0]}" for c in chars],
        "GET /api/lookup/vehicle/:id": [f"/api/lookup/vehicle/{p[0]}" for p in plates],
        "GET /api/lookup/reports/:lic": [f"/api/lookup/reports/{c[5]}" for c in chars],
        "GET /api/lookup/recent": ["/api/lookup/recent"] * len(chars),
    }.items():
        print(f"  {label:38s} {stats(timed(get, [(u,) for u in urls]))}")


if __name__ == "__main__":
    main()
