from __future__ import annotations

import json


def emit(command, payload: dict, as_json: bool, human: str) -> None:
    command.stdout.write(json.dumps(payload, default=str) if as_json else human)
