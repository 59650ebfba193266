def test_fivem_routes_are_rate_limited_per_token(server, other_server, settings):
    settings.FIVEM_RATE_LIMIT = "3/m"
    codes = [server.get("/fivem/sounds").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = server.get("/fivem/sounds")
    assert r.json()["error"] and int(r["Retry-After"]) > 0
    assert other_server.get("/fivem/sounds").status_code == 200  # another token has its own budget
