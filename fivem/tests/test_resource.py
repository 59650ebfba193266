"""cad_mdt driven the way players use it: commands typed in chat, keys pressed, the clock moving, against
a live CAD. Each effect is checked in the CAD itself (its database or its API), not in the resource."""

from __future__ import annotations

from .scenes import CIVILIAN_DISCORD, OFFICER_DISCORD


def test_join_lists_characters_and_cadchar_selects(game, world):
    game.join(1, discord=OFFICER_DISCORD, name="Officer")
    assert game.player(1)["registered"] is True and "character" not in game.player(1)  # two: no auto-pick
    game.command(1, "/cadchar")
    assert "1) John Smith - leo, 1-ADAM-12" in game.last_chat(1)
    game.command(1, "/cadchar spare")
    assert game.player(1)["character"]["id"] == str(world["spare"].pk)
    game.command(1, "/cadchar 1")
    assert game.player(1)["character"]["id"] == str(world["leo"].pk)
    assert "Active character: John Smith (1-ADAM-12)" in game.last_chat(1)
    # one character: chosen on join
    game.join(2, discord=CIVILIAN_DISCORD, name="Civ")
    assert game.player(2)["character"]["id"] == str(world["jane"].pk)
    # not linked / no Discord
    game.join(3, discord="999999999999999999", name="Stranger")
    game.command(3, "/duty")
    assert "not linked to the CAD" in game.last_chat(3)
    game.join(4, discord=None, name="NoDiscord")
    assert "Discord" in game.last_chat(4)
