"""What characters tells other apps without importing them (they import characters, not the reverse)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by `services.vehicle_mark_stolen` inside its transaction, with the vehicle row locked, after the
# flag is set: kwargs vehicle, stolen, by, role, color, plate. A receiver returns `(name, value)` to hand
# back what it did (bolos: `("bolo", the opened / closed BOLO or None)`); `StolenMark.effects` collects them.
vehicle_stolen_marked = Signal()
