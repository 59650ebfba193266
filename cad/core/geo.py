"""The one GTA V world ↔ map transform, shared by the live map page and the API's `lat`/`lng`.

Game servers send raw `GetEntityCoords()` values: `x` grows eastwards, `y` northwards. Two frames are
derived from them here, both affine per axis, and nothing else in the code base converts coordinates:

- MAP: Leaflet's `CRS.Simple` pixel at zoom 0 (a 256-px square; zoom z multiplies by 2**z). The page
  builds its `L.Transformation` from these four numbers (`leaflet_crs()`), so every marker is placed from
  the `x`/`y` the game sent (`[y, x]` as Leaflet's latlng) and tile (z, tx, ty) covers the same world
  rectangle here and in the browser. They are the fit FiveM live maps widely share, so a `{z}/{x}/{y}`
  tile set made for one of them lines up without calibration.
- GEO: the API's `lat`/`lng` (003's `unitLocationUpdate`), fitted on two landmarks GTA V copies from Los
  Angeles: Los Santos International (x -1037.58, y -2738.21) → LAX (33.9425, -118.408), the example of
  003, and the Vinewood sign (711.0, 1198.0) → the Hollywood sign (34.1341, -118.3215).
"""

from __future__ import annotations

from dataclasses import dataclass

TILE_SIZE = 256


@dataclass(frozen=True)
class Affine:
    """u = a·x + b, v = c·y + d (per axis: GTA's axes are not rotated against either frame)."""

    a: float
    b: float
    c: float
    d: float

    def forward(self, x: float, y: float) -> tuple[float, float]:
        return self.a * x + self.b, self.c * y + self.d

    def inverse(self, u: float, v: float) -> tuple[float, float]:
        return (u - self.b) / self.a, (v - self.d) / self.c


# pixel_x = 0.02072·x + 117.3, pixel_y = -0.0205·y + 172.8 at zoom 0 (y flips: pixels grow southwards).
MAP = Affine(0.02072, 117.3, -0.0205, 172.8)

_LAT_PER_UNIT = (34.1341 - 33.9425) / (1198.0 - -2738.21)
_LNG_PER_UNIT = (-118.3215 - -118.408) / (711.0 - -1037.58)
# GEO maps (x, y) → (lng, lat), the same axis order as MAP's (pixel x, pixel y).
GEO = Affine(_LNG_PER_UNIT, -118.408 - -1037.58 * _LNG_PER_UNIT, _LAT_PER_UNIT, 33.9425 - -2738.21 * _LAT_PER_UNIT)


def to_lat_lng(x: float, y: float) -> tuple[float, float]:
    """The API's (lat, lng) of a game position, rounded to 6 decimals (about 10 cm)."""
    lng, lat = GEO.forward(x, y)
    return round(lat, 6), round(lng, 6)


def from_lat_lng(lat: float, lng: float) -> tuple[float, float]:
    """The game (x, y) of an API (lat, lng)."""
    return GEO.inverse(lng, lat)


def to_pixel(x: float, y: float, zoom: int = 0) -> tuple[float, float]:
    """Leaflet pixel of a game position at `zoom` (CRS.Simple: scale 2**zoom)."""
    u, v = MAP.forward(x, y)
    scale = 2 ** zoom
    return u * scale, v * scale


def from_pixel(px: float, py: float, zoom: int = 0) -> tuple[float, float]:
    scale = 2 ** zoom
    return MAP.inverse(px / scale, py / scale)


def tile_bounds(z: int, tx: int, ty: int) -> tuple[float, float, float, float]:
    """Game rectangle (x_min, y_min, x_max, y_max) covered by tile (z, tx, ty)."""
    x0, y_top = from_pixel(tx * TILE_SIZE, ty * TILE_SIZE, z)
    x1, y_bottom = from_pixel((tx + 1) * TILE_SIZE, (ty + 1) * TILE_SIZE, z)
    return x0, y_bottom, x1, y_top


def leaflet_crs() -> dict:
    """What the page needs to build the same CRS: `L.Transformation(a, b, c, d)` over game [y, x]."""
    return {"transformation": [MAP.a, MAP.b, MAP.c, MAP.d], "tileSize": TILE_SIZE}
