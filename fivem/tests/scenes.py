"""What the resource tests share: the players' Discord ids, the postal table, and putting the officer on duty."""

from __future__ import annotations

from dispatch.models import Unit

OFFICER_DISCORD = "100000000000000001"
CIVILIAN_DISCORD = "100000000000000002"
POSTALS = [{"code": "101", "x": 100.0, "y": -200.0}, {"code": "202", "x": 1500.0, "y": 1500.0},
           {"code": "303", "x": -800.0, "y": 900.0}]


def on_duty(game, world, player=1):
    game.join(player, discord=OFFICER_DISCORD, name="Officer")
    game.command(player, "/cadchar 1")
    game.command(player, "/duty")
    assert game.player(player)["onDuty"] is True
    return Unit.objects.for_community(world["community"]).get(character=world["leo"], on_duty=True)
