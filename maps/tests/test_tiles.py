"""Map background: the one transform, the admin's upload, the idempotent cutting and tile serving."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cad.core import geo as transform
from cad.core.errors import Invalid
from dispatch import positions
from maps import selectors, services, tiles
from maps.choices import TileSetStatus
from maps.models import MapTileSet
from maps.tasks import build_tiles

COLORS = {(0, 0): "#ff0000", (0, 1): "#00ff00", (1, 0): "#0000ff", (1, 1): "#ffff00", (2, 0): "#00ffff",
          (2, 1): "#ff00ff"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _png(color: str, size: int = 256, fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (size, size), color).save(buf, format=fmt)
    return buf.getvalue()


def pictures(size: int = 256) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f"minimap_sea_{r}_{c}.png", _png(color, size), content_type="image/png")
            for (r, c), color in COLORS.items()]


def tile_zip(entries: dict[str, bytes]) -> SimpleUploadedFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return SimpleUploadedFile("tiles.zip", buf.getvalue(), content_type="application/zip")


def upload(community, files, admin=None):
    return services.map_images_upload(community=community, files=files, by=admin)


# --- the transform --------------------------------------------------------------------------------
def test_api_lat_lng_comes_from_the_map_transform():
    assert positions.to_lat_lng is transform.to_lat_lng
    assert transform.to_lat_lng(-1037.58, -2738.21) == pytest.approx((33.9425, -118.408))
    x, y = transform.from_lat_lng(34.1341, -118.3215)
    assert (x, y) == pytest.approx((711.0, 1198.0), abs=1e-6)


def test_pixel_frame_round_trips_and_flips_north_up():
    px, py = transform.to_pixel(0, 0, 3)
    assert (px, py) == pytest.approx((117.3 * 8, 172.8 * 8))
    assert transform.from_pixel(px, py, 3) == pytest.approx((0, 0), abs=1e-9)
    # Further north (larger y) is higher up the screen (smaller pixel y).
    assert transform.to_pixel(0, 1000)[1] < transform.to_pixel(0, 0)[1]
    x0, y0, x1, y1 = transform.tile_bounds(0, 0, 0)
    assert x0 < -5000 and x1 > 6000 and y0 < -4000 and y1 > 8000


# --- pictures -------------------------------------------------------------------------------------
def test_six_pictures_become_a_pyramid_served_to_officers(community, admin, officer, as_, django_capture_on_commit_callbacks,
                                                          events):
    with django_capture_on_commit_callbacks(execute=False):
        tileset = upload(community, pictures(), admin)
    assert tileset.status == TileSetStatus.PENDING and len(tileset.sources) == 6
    assert selectors.active_tileset(community) is None  # the grid until the tiles exist

    with django_capture_on_commit_callbacks(execute=True):
        build_tiles.apply(args=[str(tileset.pk)])
    tileset.refresh_from_db()
    assert tileset.status == TileSetStatus.READY, tileset.error
    # 256-px pictures are ~18 game units a pixel: zoom 2 (~12 units a pixel) is the first at least as sharp.
    assert (tileset.min_zoom, tileset.max_zoom, tileset.tile_format) == (0, 2, "png")
    assert tileset.bounds == pytest.approx([-4230, 8420 - 3 * 4530, -4230 + 2 * 4600, 8420])
    assert tileset.tile_count > 3
    assert selectors.active_tileset(community) == tileset
    assert any("map-tiles-updated" in names and data["status"] == "ready" for names, data in events)

    # The tile under a game position holds that position's picture colour.
    x, y = -4230 + 100, 8420 - 100  # inside minimap_sea_0_0 (red)
    px, py = transform.to_pixel(x, y, 2)
    tx, ty = int(px // 256), int(py // 256)
    layer = selectors.tile_layer(tileset)
    url = layer["url"].replace("{z}", "2").replace("{x}", str(tx)).replace("{y}", str(ty))
    response = as_(officer).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "immutable" in response["Cache-Control"]
    img = Image.open(io.BytesIO(b"".join(response.streaming_content))).convert("RGBA")
    assert img.getpixel((int(px) % 256, int(py) % 256))[:3] == (255, 0, 0)


def test_building_twice_does_nothing_the_second_time(community, admin):
    tileset = upload(community, pictures(), admin)
    assert services.tileset_build(tileset_id=tileset.pk) is not None
    tileset.refresh_from_db()
    built_at = tileset.built_at
    assert services.tileset_build(tileset_id=tileset.pk) is None
    tileset.refresh_from_db()
    assert tileset.built_at == built_at and tileset.status == TileSetStatus.READY


def test_a_building_set_is_left_to_its_worker_unless_stale(community, admin):
    from datetime import timedelta

    from django.utils import timezone

    tileset = upload(community, pictures(), admin)
    MapTileSet.objects.for_community(community).filter(pk=tileset.pk).update(
        status=TileSetStatus.BUILDING, claimed_at=timezone.now())
    assert services.tileset_build(tileset_id=tileset.pk) is None
    MapTileSet.objects.for_community(community).filter(pk=tileset.pk).update(
        claimed_at=timezone.now() - timedelta(hours=1))
    assert services.tileset_build(tileset_id=tileset.pk).status == TileSetStatus.READY


def test_a_new_ready_set_archives_the_old_one(community, admin):
    first = upload(community, pictures(), admin)
    services.tileset_build(tileset_id=first.pk)
    second = upload(community, pictures(), admin)
    assert selectors.active_tileset(community) == first
    services.tileset_build(tileset_id=second.pk)
    first.refresh_from_db()
    assert first.archived_at is not None and selectors.active_tileset(community) == second
    # An open page drawing the archived set still gets its tiles.
    assert selectors.servable_tileset(community, first.pk) == first


@pytest.mark.parametrize("files, message", [
    (lambda: [], "Choose the six"),
    (lambda: pictures()[:5], "Missing minimap_sea_2_1"),
    (lambda: pictures()[:5] + [SimpleUploadedFile("minimap_sea_0_0.png", _png("#000000"))], "sent twice"),
    (lambda: [SimpleUploadedFile("minimap_sea_3_0.png", _png("#000000"))] + pictures()[1:], "expected minimap_sea"),
    (lambda: [SimpleUploadedFile("minimap_sea_0_0.png", b"not a picture")] + pictures()[1:], "not a picture"),
    (lambda: [SimpleUploadedFile("minimap_sea_0_0.png", _png("#000000", 128))] + pictures()[1:], "same size"),
    (lambda: [tile_zip({"readme.txt": b"hi"})], "not a {z}/{x}/{y}"),
    (lambda: [tile_zip({"3/8/0.png": _png("#000000")})], "outside zoom"),
    (lambda: [SimpleUploadedFile("tiles.zip", b"PK nonsense")], "Not a zip"),
])
def test_bad_uploads_are_refused_and_leave_nothing(community, admin, settings, files, message):
    with pytest.raises(Invalid) as err:
        upload(community, files(), admin)
    assert message in str(err.value.fields["files"])
    assert not MapTileSet.objects.for_community(community).exists()
    maps_dir = settings.MEDIA_ROOT / "maps" / str(community.pk)
    assert not maps_dir.exists() or not any(maps_dir.iterdir())


# --- tile archives --------------------------------------------------------------------------------
def test_a_zip_of_tiles_is_checked_and_served_as_sent(community, admin, officer, as_):
    zipped = tile_zip({"mymap/0/0/0.jpg": _png("#112233", fmt="JPEG"), "mymap/1/1/0.jpg": _png("#445566", fmt="JPEG"),
                       "mymap/1/0/1.jpg": _png("#778899", fmt="JPEG")})
    tileset = upload(community, [zipped], admin)
    services.tileset_build(tileset_id=tileset.pk)
    tileset.refresh_from_db()
    assert (tileset.status, tileset.min_zoom, tileset.max_zoom, tileset.tile_format, tileset.tile_count) == (
        "ready", 0, 1, "jpg", 3)
    x0, y0, x1, y1 = tileset.bounds
    assert (x0, y1) == pytest.approx(transform.from_pixel(0, 0, 1)) and x1 > x0 and y1 > y0
    response = as_(officer).get(f"/map/tiles/{tileset.pk}/1/1/0.jpg")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert as_(officer).get(f"/map/tiles/{tileset.pk}/1/1/0.png").status_code == 404


def test_a_zip_with_a_broken_tile_fails_with_a_reason(community, admin):
    zipped = tile_zip({"0/0/0.png": _png("#112233"), "1/0/0.png": b"\x89PNG broken"})
    tileset = upload(community, [zipped], admin)
    services.tileset_build(tileset_id=tileset.pk)
    tileset.refresh_from_db()
    assert tileset.status == TileSetStatus.FAILED and "1/0/0.png" in tileset.error
    assert selectors.active_tileset(community) is None


def test_mixed_tile_sizes_fail(community, admin):
    zipped = tile_zip({"0/0/0.png": _png("#112233", 512)})
    tileset = upload(community, [zipped], admin)
    services.tileset_build(tileset_id=tileset.pk)
    tileset.refresh_from_db()
    assert tileset.status == TileSetStatus.FAILED and "256×256" in tileset.error


# --- serving is scoped ----------------------------------------------------------------------------
@pytest.fixture
def ready_set(community, admin):
    tileset = upload(community, pictures(), admin)
    services.tileset_build(tileset_id=tileset.pk)
    tileset.refresh_from_db()
    return tileset


def _some_tile(tileset) -> str:
    path = next((services.tiles_dir(tileset) / "0").rglob("*.png"))
    return f"/map/tiles/{tileset.pk}/0/{path.parent.name}/{path.name}"


def test_tiles_are_refused_to_civilians_and_strangers(ready_set, civilian, outsider, dispatcher, as_, client):
    url = _some_tile(ready_set)
    assert as_(dispatcher).get(url).status_code == 200
    assert as_(civilian).get(url).status_code == 403
    # The outsider is a member of another community only: this set is not theirs.
    assert as_(outsider).get(url).status_code in (403, 404)
    assert client.get(url).status_code in (401, 403)


def test_another_communitys_set_is_a_404(ready_set, other_community, outsider, as_):
    url = _some_tile(ready_set) + f"?communityId={other_community.pk}"
    response = as_(outsider).get(url)
    assert response.status_code == 404


def test_tiles_for_api_tokens_of_the_community_only(ready_set, server, other_server):
    url = _some_tile(ready_set)
    assert server.get(url).status_code == 200
    assert other_server.get(url).status_code == 404


def test_unknown_tiles_are_404(ready_set, officer, as_):
    assert as_(officer).get(f"/map/tiles/{ready_set.pk}/9/0/0.png").status_code == 404
    assert as_(officer).get(f"/map/tiles/{ready_set.pk}/0/0/0.gif").status_code == 404


def test_archiving_returns_to_the_grid(ready_set, community, admin):
    services.tileset_archive(tileset=ready_set, by=admin)
    assert selectors.active_tileset(community) is None
    assert selectors.map_config(community)["tiles"] is None
    assert selectors.map_config(community)["crs"]["transformation"] == [0.02072, 117.3, -0.0205, 172.8]


def test_picture_cells_and_zoom():
    assert tiles.picture_cell("MINIMAP_SEA_2_1.DDS") == (2, 1)
    assert tiles.picture_cell("minimap_sea_0_2.png") is None
    assert tiles.native_zoom(1024) == 4 and tiles.native_zoom(2048) == 5 and tiles.native_zoom(16) == 0
