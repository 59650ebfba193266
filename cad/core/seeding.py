"""Demo data is seeded by the apps that own it: each app may have a `<app>/seed.py` with

    ORDER = 20                      # lower runs first (characters before dispatch before calls)
    def seed_demo(demo: Demo) -> None: ...

`seed_demo` (the management command) creates the community and its people, then runs every app's hook
in ORDER inside one transaction. Hooks hand rows to later hooks through `demo.rows` (e.g. characters
puts the officer's character there, dispatch puts the unit it brings on duty). The kernel finds the
hooks through the app registry and imports no domain app.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

from cad.core.choices import Role
from cad.core.models import Community


@dataclass
class Demo:
    community: Community
    people: dict[Role, Any]  # one user per role
    rows: dict[str, Any] = field(default_factory=dict)


def seed_hooks() -> list[tuple[int, str, Callable[[Demo], None]]]:
    hooks = []
    for config in apps.get_app_configs():
        if importlib.util.find_spec(f"{config.name}.seed") is None:
            continue
        module = importlib.import_module(f"{config.name}.seed")
        hooks.append((getattr(module, "ORDER", 100), config.name, module.seed_demo))
    return sorted(hooks, key=lambda h: (h[0], h[1]))


def run_seed_hooks(demo: Demo) -> None:
    for _order, _name, hook in seed_hooks():
        hook(demo)
