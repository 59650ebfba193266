"""Cutting map backgrounds into the 256-px `{z}/{x}/{y}` pyramid the live map draws (Pillow, no Django).

Two kinds of upload:
- the six `minimap_sea_{row}_{col}` pictures communities extract from their game (3 rows × 2 columns, row 0
  north, column 0 west). Each covers a fixed rectangle of the world (`PICTURE_ORIGIN`, `PICTURE_SPAN`);
  every tile is resampled straight from the pictures it overlaps, at each zoom down from the first one at
  which a picture pixel is no larger than a screen pixel, so zoom stays sharp.
- a zip of ready `{z}/{x}/{y}` tiles in the shared frame of `cad.core.geo.MAP`; they are checked (names,
  ranges, real 256-px PNG/JPEG/WebP images, size limits against zip bombs) and copied as they are.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from cad.core.geo import MAP, TILE_SIZE, from_pixel, to_pixel

# The picture grid's north-west corner and one picture's extent, in game units (the two-point fit the
# GTA V map community uses for these pictures: (-4230, 8420) is the top-left pixel, (370, -640) the corner
# shared by rows 1/2 and columns 0/1).
PICTURE_ORIGIN = (-4230.0, 8420.0)
PICTURE_SPAN = (4600.0, 4530.0)
PICTURE_ROWS, PICTURE_COLS = 3, 2
PICTURE_NAME = re.compile(r"^minimap_sea_(\d)_(\d)\.(png|jpe?g|webp|dds|tga|bmp)$", re.IGNORECASE)
MAX_ZOOM = 7  # 32,768 px across: far beyond any picture set's own resolution
MAX_PICTURE_PIXELS = 8192 * 8192

TILE_NAME = re.compile(r"^(?:.*/)?(\d{1,2})/(\d{1,6})/(\d{1,6})\.(png|jpe?g|webp)$", re.IGNORECASE)
TILE_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
MAX_ZIP_TILES = 60_000
MAX_ZIP_TILE_BYTES = 2 * 1024 * 1024
MAX_ZIP_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_ZIP_TILE_ZOOM = 10


class TileError(ValueError):
    """An upload that cannot become tiles; the message is for the admin who sent it."""


@dataclass(frozen=True)
class Pyramid:
    min_zoom: int
    max_zoom: int
    tile_format: str
    tile_count: int
    bounds: tuple[float, float, float, float]  # game x_min, y_min, x_max, y_max


# --- pictures ---------------------------------------------------------------------------------------
def picture_cell(name: str) -> tuple[int, int] | None:
    """(row, col) of a `minimap_sea_{row}_{col}.*` file name, or None."""
    m = PICTURE_NAME.match(Path(name).name)
    if m is None:
        return None
    row, col = int(m.group(1)), int(m.group(2))
    if row >= PICTURE_ROWS or col >= PICTURE_COLS:
        return None
    return row, col


def picture_rect(row: int, col: int) -> tuple[float, float, float, float]:
    """Game rectangle (x_min, y_min, x_max, y_max) of picture (row, col)."""
    x0 = PICTURE_ORIGIN[0] + col * PICTURE_SPAN[0]
    y_top = PICTURE_ORIGIN[1] - row * PICTURE_SPAN[1]
    return x0, y_top - PICTURE_SPAN[1], x0 + PICTURE_SPAN[0], y_top


def check_picture(data: bytes, name: str) -> tuple[int, int]:
    """Open and fully decode an uploaded picture; returns its (width, height)."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PICTURE_PIXELS:
                raise TileError(f"{name}: at most {MAX_PICTURE_PIXELS:,} pixels.")
            img.load()
            return img.width, img.height
    except TileError:
        raise
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError) as exc:
        raise TileError(f"{name}: not a picture Pillow can read ({exc.__class__.__name__}).") from None


def native_zoom(width: int) -> int:
    """The first zoom at which one picture pixel is at most one map pixel."""
    game_units_per_pixel = PICTURE_SPAN[0] / width
    zoom = math.ceil(math.log2((1 / MAP.a) / game_units_per_pixel) - 1e-9)
    return max(0, min(MAX_ZOOM, zoom))


def cut_pictures(pictures: Mapping[tuple[int, int], Path], out_dir: Path) -> Pyramid:
    """Cut the pictures into PNG tiles under out_dir/{z}/{x}/{y}.png, every zoom from 0 to the native one."""
    images = {}
    for cell, path in pictures.items():
        with Image.open(path) as img:
            images[cell] = img.convert("RGBA")
    try:
        max_zoom = native_zoom(max(img.width for img in images.values()))
        placed = [(img, picture_rect(*cell)) for cell, img in images.items()]
        count = 0
        for z in range(max_zoom + 1):
            count += _cut_zoom(placed, z, out_dir)
    finally:
        for img in images.values():
            img.close()
    xs = [r[0] for _, r in placed] + [r[2] for _, r in placed]
    ys = [r[1] for _, r in placed] + [r[3] for _, r in placed]
    return Pyramid(0, max_zoom, "png", count, (min(xs), min(ys), max(xs), max(ys)))


def _cut_zoom(placed: list[tuple[Image.Image, tuple[float, float, float, float]]], z: int, out_dir: Path) -> int:
    # Each picture's rectangle in this zoom's pixels.
    rects = []
    for img, (x0, y0, x1, y1) in placed:
        left, top = to_pixel(x0, y1, z)
        right, bottom = to_pixel(x1, y0, z)
        rects.append((img, left, top, right, bottom))
    span = 2 ** z
    tx0 = max(0, math.floor(min(r[1] for r in rects) / TILE_SIZE))
    tx1 = min(span - 1, math.ceil(max(r[3] for r in rects) / TILE_SIZE) - 1)
    ty0 = max(0, math.floor(min(r[2] for r in rects) / TILE_SIZE))
    ty1 = min(span - 1, math.ceil(max(r[4] for r in rects) / TILE_SIZE) - 1)
    written = 0
    for tx in range(tx0, tx1 + 1):
        column = out_dir / str(z) / str(tx)
        for ty in range(ty0, ty1 + 1):
            tile = _render_tile(rects, tx * TILE_SIZE, ty * TILE_SIZE)
            if tile is None:
                continue
            column.mkdir(parents=True, exist_ok=True)
            tile.save(column / f"{ty}.png", format="PNG", compress_level=6)
            written += 1
    return written


def _render_tile(rects, tile_left: int, tile_top: int) -> Image.Image | None:
    tile = None
    for img, left, top, right, bottom in rects:
        # The part of the picture inside this tile, snapped to whole tile pixels.
        il, it = max(left, tile_left), max(top, tile_top)
        ir, ib = min(right, tile_left + TILE_SIZE), min(bottom, tile_top + TILE_SIZE)
        pl, pt, pr, pb = round(il), round(it), round(ir), round(ib)
        if pr <= pl or pb <= pt:
            continue
        sx, sy = img.width / (right - left), img.height / (bottom - top)
        box = ((pl - left) * sx, (pt - top) * sy, (pr - left) * sx, (pb - top) * sy)
        box = (max(0.0, box[0]), max(0.0, box[1]), min(float(img.width), box[2]), min(float(img.height), box[3]))
        part = img.resize((pr - pl, pb - pt), Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
        if tile is None:
            tile = Image.new("RGBA", (TILE_SIZE, TILE_SIZE), (0, 0, 0, 0))
        tile.alpha_composite(part, (pl - tile_left, pt - tile_top))
    return tile


# --- tile archives ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _ZipTile:
    z: int
    x: int
    y: int
    member: zipfile.ZipInfo


def _zip_tiles(archive: zipfile.ZipFile) -> list[_ZipTile]:
    tiles: list[_ZipTile] = []
    seen: set[tuple[int, int, int]] = set()
    total = 0
    for info in archive.infolist():
        if info.is_dir() or Path(info.filename).name.startswith(".") or "__MACOSX" in info.filename:
            continue
        m = TILE_NAME.match(info.filename.replace("\\", "/"))
        if m is None:
            raise TileError(f"{info.filename}: not a {{z}}/{{x}}/{{y}}.png|jpg|webp tile.")
        z, x, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if z > MAX_ZIP_TILE_ZOOM or x >= 2 ** z or y >= 2 ** z:
            raise TileError(f"{info.filename}: tile outside zoom 0-{MAX_ZIP_TILE_ZOOM}'s range.")
        if (z, x, y) in seen:
            raise TileError(f"{info.filename}: tile {z}/{x}/{y} appears twice.")
        if info.file_size > MAX_ZIP_TILE_BYTES:
            raise TileError(f"{info.filename}: a tile is at most {MAX_ZIP_TILE_BYTES // 1024 // 1024} MB.")
        seen.add((z, x, y))
        total += info.file_size
        if len(seen) > MAX_ZIP_TILES or total > MAX_ZIP_TOTAL_BYTES:
            raise TileError(f"At most {MAX_ZIP_TILES:,} tiles and {MAX_ZIP_TOTAL_BYTES // 1024 ** 3} GB unpacked.")
        tiles.append(_ZipTile(z, x, y, info))
    if not tiles:
        raise TileError("The archive holds no {z}/{x}/{y} tiles.")
    return tiles


def check_tile_zip(path: Path) -> int:
    """Check an archive's names and sizes without unpacking it; returns the tile count."""
    try:
        with zipfile.ZipFile(path) as archive:
            return len(_zip_tiles(archive))
    except zipfile.BadZipFile:
        raise TileError("Not a zip archive.") from None


def unpack_tile_zip(path: Path, out_dir: Path) -> Pyramid:
    """Verify every tile image and copy it under out_dir/{z}/{x}/{y}.<ext> (one format for the set)."""
    fmt = None
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise TileError("Not a zip archive.") from None
    with archive:
        tiles = _zip_tiles(archive)
        for tile in tiles:
            with archive.open(tile.member) as fh:
                data = fh.read(MAX_ZIP_TILE_BYTES + 1)
            if len(data) > MAX_ZIP_TILE_BYTES:
                raise TileError(f"{tile.member.filename}: larger than it claims.")
            kind = _tile_format(data, tile.member.filename)
            if fmt is None:
                fmt = kind
            elif kind != fmt:
                raise TileError(f"{tile.member.filename}: every tile must be {fmt.upper()}, like the first.")
            target = out_dir / str(tile.z) / str(tile.x)
            target.mkdir(parents=True, exist_ok=True)
            (target / f"{tile.y}.{fmt}").write_bytes(data)
    max_zoom = max(t.z for t in tiles)
    top = [t for t in tiles if t.z == max_zoom]
    x0, y_top = from_pixel(min(t.x for t in top) * TILE_SIZE, min(t.y for t in top) * TILE_SIZE, max_zoom)
    x1, y_bottom = from_pixel((max(t.x for t in top) + 1) * TILE_SIZE, (max(t.y for t in top) + 1) * TILE_SIZE,
                              max_zoom)
    return Pyramid(min(t.z for t in tiles), max_zoom, fmt or "png", len(tiles), (x0, y_bottom, x1, y_top))


def _tile_format(data: bytes, name: str) -> str:
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.size != (TILE_SIZE, TILE_SIZE):
                raise TileError(f"{name}: tiles are {TILE_SIZE}×{TILE_SIZE} pixels, this one is {img.width}×{img.height}.")
            kind = TILE_FORMATS.get(img.format or "")
            img.load()
    except TileError:
        raise
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        raise TileError(f"{name}: not a readable image.") from None
    if kind is None:
        raise TileError(f"{name}: tiles are PNG, JPEG or WebP.")
    return kind
