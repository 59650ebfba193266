"""Production wiring: compose file, deploy checks, health, schema, settings of the embedded default."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from rest_framework.test import APIClient

ROOT = Path(__file__).resolve().parent.parent


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_production_stack():
    services = _compose()["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)


def _check_entry_point(command: list[str]) -> None:
    if command[0] == "uvicorn":
        module, _, attr = command[1].partition(":")
        assert getattr(importlib.import_module(module), attr)
    elif command[0] == "celery":
        app_module = command[command.index("-A") + 1]
        app = importlib.import_module(app_module).celery_app
        assert command[command.index("-A") + 2] in ("worker", "beat")
        assert app.main == "cad"
    elif command[:2] == ["python", "manage.py"]:
        from django.core.management import get_commands

        assert command[2] in get_commands()
    elif command[0] in ("redis-server",):
        pass
    else:
        pytest.fail(f"unknown entry point {command}")


def test_compose_commands_name_real_entry_points():
    services = _compose()["services"]
    for name in ("web", "worker", "beat", "migrate"):
        _check_entry_point(services[name]["command"])
    assert "--workers" in services["web"]["command"]  # several web processes share the Redis layer
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://")
        assert services[name]["environment"]["REDIS_URL"].startswith("redis://")


def test_procfile_names_real_entry_points():
    for line in (ROOT / "Procfile").read_text().splitlines():
        if not line.strip():
            continue
        _, command = line.split(":", 1)
        words = [w.replace(".venv/bin/", "") for w in command.split()]
        _check_entry_point(words)


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DEBUG="0", SECRET_KEY="x" * 60 + "production-like-secret-key-value", ALLOWED_HOSTS="cad.example.com",
               CSRF_TRUSTED_ORIGINS="https://cad.example.com", SECURE_SSL_REDIRECT="1", CAD_VAR_DIR=str(tmp_path),
               TRUST_X_FORWARDED_PROTO="1")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_debug_off_without_secret_key_refuses_to_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(DEBUG="0", CAD_VAR_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_embedded_sqlite_is_configured_for_concurrent_writes():
    if settings.IS_POSTGRES:
        pytest.skip("embedded default only")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]


def test_healthz_reports_each_part(db):
    r = APIClient().get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok", "cache": "ok", "channel_layer": "ok"}


def test_openapi_schema_and_docs(db):
    r = APIClient().get("/api/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert r.status_code == 200
    schema = r.json() if r["Content-Type"].endswith("json") else yaml.safe_load(r.content)
    assert "/api/communities" in schema["paths"] and "/api/auth/token" in schema["paths"]
    # Routes outside DRF are described by hand (cad.core.api.schema.EXTRA_PATHS).
    for outside in ("/api/dispatch/location-update", "/api/dispatch/location-update/batch",
                    "/fivem/livemap/position", "/fivem/livemap/positions", "/emergency/new_dispatch",
                    "/fivem/events"):
        assert outside in schema["paths"], outside
    assert APIClient().get("/api/docs").status_code == 200


def test_no_redirect_on_unsafe_methods(as_, admin, community):
    r = as_(admin).post(f"/api/communities/{community.id}/", {}, format="json")
    assert r.status_code == 404 and r["Content-Type"].startswith("application/json")
