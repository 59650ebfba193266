import pytest
from rest_framework.test import APIClient

from cad.core import services


def test_jwt_obtain_refresh_rotation_and_blacklist(admin):
    client = APIClient()
    r = client.post("/api/auth/token", {"username": "admin_a", "password": "pw-admin_a"}, format="json")
    assert r.status_code == 200
    tokens = r.json()
    assert set(tokens) >= {"access", "refresh"}
    r = client.post("/api/auth/token/refresh", {"refresh": tokens["refresh"]}, format="json")
    assert r.status_code == 200 and r.json()["refresh"] != tokens["refresh"]
    # The rotated-out refresh token is blacklisted.
    r = client.post("/api/auth/token/refresh", {"refresh": tokens["refresh"]}, format="json")
    assert r.status_code == 401 and "error" in r.json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert client.get("/api/me").json()["username"] == "admin_a"


def test_wrong_password_and_inactive_user_get_no_token(admin):
    client = APIClient()
    r = client.post("/api/auth/token", {"username": "admin_a", "password": "nope"}, format="json")
    assert r.status_code == 401 and "error" in r.json()
    admin.is_active = False
    admin.save()
    r = client.post("/api/auth/token", {"username": "admin_a", "password": "pw-admin_a"}, format="json")
    assert r.status_code == 401


def test_token_obtain_bad_input_is_400(db):
    r = APIClient().post("/api/auth/token", {"username": "x"}, format="json")
    assert r.status_code == 400 and "password" in r.json()["fields"]


def test_sign_in_is_rate_limited(admin, settings):
    client = APIClient()
    limit = int(settings.LOGIN_RATE_LIMIT.split("/")[0])
    codes = [client.post("/api/auth/token", {"username": "admin_a", "password": "bad"}, format="json")
             for _ in range(limit + 1)]
    assert [r.status_code for r in codes[:limit]] == [401] * limit
    assert codes[-1].status_code == 429 and codes[-1]["Retry-After"]


def test_api_token_header_forms(server, api_token, community):
    for headers in ({"HTTP_X_API_KEY": api_token}, {"HTTP_AUTHORIZATION": f"Bearer {api_token}"}):
        client = APIClient()
        client.credentials(**headers)
        r = client.get("/api/me")
        assert r.status_code == 200 and r.json()["communityId"] == str(community.id)


def test_missing_wrong_or_revoked_api_token_is_401(community, api_token):
    client = APIClient()
    assert client.get("/api/values/call-types").status_code == 401
    client.credentials(HTTP_X_API_KEY="cad_wrong")
    assert client.get("/api/values/call-types").status_code == 401
    token = community.api_tokens.get()
    services.token_revoke(token=token)
    client.credentials(HTTP_X_API_KEY=api_token)
    r = client.get("/api/values/call-types")
    assert r.status_code == 401 and r.json()["error"]


def test_token_is_stored_only_as_hash(community):
    token, raw = services.token_create(community=community)
    assert raw not in (token.token_hash, token.hint) and len(token.token_hash) == 64
    assert services.token_authenticate(raw).pk == token.pk
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("path", ["/api/nope", "/fivem/nope", "/api/values/call-types/"])
def test_unknown_api_paths_answer_json_404(as_, admin, path):
    r = as_(admin).get(path)
    assert r.status_code == 404 and r["Content-Type"].startswith("application/json")
