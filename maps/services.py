"""State changes of the map background: an admin's upload, the (idempotent) cutting of its tiles, and
which tile set is drawn. The live map's units and calls come from dispatch and calls; postals have their
own module."""

from __future__ import annotations

import logging
import shutil
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from cad import events
from cad.core import access
from cad.core.errors import Invalid
from cad.core.models import Community

from . import tiles
from .choices import TileSetStatus, TileSourceKind
from .models import MapTileSet

logger = logging.getLogger(__name__)

MAX_PICTURE_BYTES = 30 * 1024 * 1024  # per picture, as other CADs allow
MAX_ZIP_BYTES = 512 * 1024 * 1024
# A worker that died mid-cut leaves `building`; another may take the set over after this long.
STALE_BUILD = timedelta(minutes=15)


def tileset_dir(tileset: MapTileSet) -> Path:
    return Path(settings.MEDIA_ROOT) / "maps" / str(tileset.community_id) / str(tileset.pk)


def tiles_dir(tileset: MapTileSet) -> Path:
    return tileset_dir(tileset) / "tiles"


def tileset_payload(tileset: MapTileSet) -> dict:
    return {
        "id": str(tileset.pk), "communityId": str(tileset.community_id), "kind": tileset.kind,
        "status": tileset.status, "minZoom": tileset.min_zoom, "maxZoom": tileset.max_zoom,
        "format": tileset.tile_format, "bounds": tileset.bounds, "tileCount": tileset.tile_count,
        "error": tileset.error,
    }


def _save_upload(upload: UploadedFile, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)


def _classify(files: Sequence[UploadedFile]) -> tuple[str, dict]:
    """Which kind of upload this is, or Invalid on `files` saying what is expected."""
    if not files:
        raise Invalid({"files": ["Choose the six minimap_sea_{row}_{col} pictures or one zip of tiles."]})
    names = [Path(f.name or "").name for f in files]
    if len(files) == 1 and names[0].lower().endswith(".zip"):
        if (files[0].size or 0) > MAX_ZIP_BYTES:
            raise Invalid({"files": [f"A tile archive is at most {MAX_ZIP_BYTES // 1024 // 1024} MB."]})
        return TileSourceKind.TILES, {}
    cells: dict[tuple[int, int], UploadedFile] = {}
    for upload, name in zip(files, names, strict=True):
        cell = tiles.picture_cell(name)
        if cell is None:
            raise Invalid({"files": [f"{name}: expected minimap_sea_{{row}}_{{col}} (rows 0-2, columns 0-1) "
                                             "as PNG, JPEG, WebP or DDS, or a single .zip of {z}/{x}/{y} tiles."]})
        if cell in cells:
            raise Invalid({"files": [f"{name}: picture {cell[0]}_{cell[1]} was sent twice."]})
        if (upload.size or 0) > MAX_PICTURE_BYTES:
            raise Invalid({"files": [f"{name}: at most {MAX_PICTURE_BYTES // 1024 // 1024} MB a picture."]})
        cells[cell] = upload
    missing = [f"minimap_sea_{r}_{c}" for r in range(tiles.PICTURE_ROWS) for c in range(tiles.PICTURE_COLS)
               if (r, c) not in cells]
    if missing:
        raise Invalid({"files": [f"Missing {', '.join(missing)}: all six pictures are needed."]})
    return TileSourceKind.PICTURES, cells


def map_images_upload(*, community: Community, files: Sequence[UploadedFile], by=None) -> MapTileSet:
    """Take an admin's map pictures (the six minimap_sea_{row}_{col}) or zip of {z}/{x}/{y} tiles, check
    them, keep them under the new set's source/ folder and queue the cutting (after the commit). The set
    currently drawn stays until the new one is ready."""
    kind, cells = _classify(files)
    tileset_id = uuid.uuid4()
    staging = Path(settings.MEDIA_ROOT) / "maps" / str(community.pk) / str(tileset_id)
    sources: list[dict] = []
    try:
        if kind == TileSourceKind.TILES:
            target = staging / "source" / "tiles.zip"
            _save_upload(files[0], target)
            try:
                tiles.check_tile_zip(target)
            except tiles.TileError as exc:
                raise Invalid({"files": [str(exc)]}) from None
            sources.append({"file": "source/tiles.zip", "name": Path(files[0].name or "").name})
        else:
            sizes = set()
            for (row, col), upload in sorted(cells.items()):
                name = Path(upload.name).name
                target = staging / "source" / f"minimap_sea_{row}_{col}{Path(name).suffix.lower()}"
                _save_upload(upload, target)
                try:
                    sizes.add(tiles.check_picture(target.read_bytes(), name))
                except tiles.TileError as exc:
                    raise Invalid({"files": [str(exc)]}) from None
                sources.append({"file": f"source/{target.name}", "name": name, "row": row, "col": col})
            if len(sizes) != 1:
                raise Invalid({"files": ["The six pictures must all have the same size."]})
        with transaction.atomic():
            tileset = MapTileSet.objects.create(id=tileset_id, community=community, kind=kind, sources=sources,
                                                created_by=access.person(by))
            events.publish(community.pk, "map-tiles-updated", tileset_payload(tileset))
            transaction.on_commit(lambda: _queue_build(tileset.pk))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return tileset


def _queue_build(tileset_id) -> None:
    from .tasks import build_tiles

    build_tiles.delay(str(tileset_id))


def _claim(tileset_id, now: datetime) -> MapTileSet | None:
    """Take the set for cutting: one worker wins; a set left `building` by a dead worker can be retaken."""
    qs = MapTileSet.objects.all_communities().filter(pk=tileset_id).live()
    claimed = (qs.filter(status=TileSetStatus.PENDING).update(status=TileSetStatus.BUILDING, claimed_at=now)
               or qs.filter(status=TileSetStatus.BUILDING, claimed_at__lt=now - STALE_BUILD).update(claimed_at=now))
    return qs.first() if claimed else None


def tileset_build(*, tileset_id, now: datetime | None = None) -> MapTileSet | None:
    """Cut a set's tiles (idempotent: a set that is ready, failed, archived or being cut by a live worker
    is left alone and None is returned). The tiles are written beside the final folder and moved into place
    in one rename, so a reader never sees half a pyramid."""
    now = now or timezone.now()
    tileset = _claim(tileset_id, now)
    if tileset is None:
        return None
    root = tileset_dir(tileset)
    work = root / f"tiles.partial-{uuid.uuid4().hex}"
    try:
        if tileset.kind == TileSourceKind.TILES:
            pyramid = tiles.unpack_tile_zip(root / tileset.sources[0]["file"], work)
        else:
            pictures = {(s["row"], s["col"]): root / s["file"] for s in tileset.sources}
            pyramid = tiles.cut_pictures(pictures, work)
    except (tiles.TileError, OSError, ValueError) as exc:
        shutil.rmtree(work, ignore_errors=True)
        logger.warning("map tiles of %s failed: %s", tileset.pk, exc)
        return _finish_failed(tileset, str(exc) if isinstance(exc, tiles.TileError) else "The pictures could not be cut.")
    final = tiles_dir(tileset)
    if final.exists():  # left by an earlier worker that died after its rename
        shutil.rmtree(final)
    work.rename(final)
    return _finish_ready(tileset, pyramid)


@transaction.atomic
def _finish_ready(tileset: MapTileSet, pyramid: tiles.Pyramid) -> MapTileSet:
    now = timezone.now()
    MapTileSet.objects.filter(community_id=tileset.community_id, pk=tileset.pk).update(
        status=TileSetStatus.READY, min_zoom=pyramid.min_zoom, max_zoom=pyramid.max_zoom,
        tile_format=pyramid.tile_format, bounds=list(pyramid.bounds), tile_count=pyramid.tile_count,
        built_at=now, error="")
    # The new set replaces the ones drawn before; they are archived with their files, not deleted.
    (MapTileSet.objects.filter(community_id=tileset.community_id, status=TileSetStatus.READY).live()
     .exclude(pk=tileset.pk).update(archived_at=now))
    tileset.refresh_from_db()
    events.publish(tileset.community_id, "map-tiles-updated", tileset_payload(tileset))
    return tileset


@transaction.atomic
def _finish_failed(tileset: MapTileSet, error: str) -> MapTileSet:
    MapTileSet.objects.filter(community_id=tileset.community_id, pk=tileset.pk).update(
        status=TileSetStatus.FAILED, error=error[:2000])
    tileset.refresh_from_db()
    events.publish(tileset.community_id, "map-tiles-updated", tileset_payload(tileset))
    return tileset


@transaction.atomic
def tileset_archive(*, tileset: MapTileSet, by=None) -> MapTileSet:
    """Stop drawing a set (back to the neutral grid if it was the only one); its files stay."""
    MapTileSet.objects.filter(community_id=tileset.community_id, pk=tileset.pk).live().update(
        archived_at=timezone.now())
    tileset.refresh_from_db()
    events.publish(tileset.community_id, "map-tiles-updated", tileset_payload(tileset))
    return tileset
