"""The board's command line: one line, one action through the same services, one result line.

    new <type> @ <location> [#<postal>] [p1|p2|p3]   create a call          new 10-50 MVA @ Route 68 #334 p1
    assign <call> <callsign> [<callsign> ...]        assign units           assign 42 1-A-12 2-B-3
    status <callsign> <status>                       set a unit's status    status 1-A-12 10-8
    note <call> <text>                               add a note             note 42 suspect fled north
    close <call> [<disposition>]                     close a call           close 42 Report taken
    ack [<callsign>]                                 acknowledge panics     ack 1-A-12   (all when none given)
    view <call>                                      open a call            view 42

<call> is a call number (42 or #42); callsigns match on-duty units, case-insensitively.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cad.core.errors import DomainError
from calls import services as calls
from calls.choices import CallOrigin
from calls.inputs import CallInput
from calls.selectors import active_panics, call_by_id_or_number
from dispatch import services as dispatch
from dispatch.models import Unit

HELP = "Commands: new, assign, status, note, close, ack, view. Press ? for every shortcut."


@dataclass
class Result:
    ok: bool
    message: str
    call_id: str | None = None


class CommandError(Exception):
    pass


def _call(community, ref: str):
    ref = ref.strip().lstrip("#")
    if not ref:
        raise CommandError("Which call? Give its number, e.g. 42.")
    try:
        call = call_by_id_or_number(community, ref)
    except DomainError:
        call = None
    if call is None:
        raise CommandError(f"No open call #{ref}.")
    return call


def _units(community, callsigns: list[str]) -> list[Unit]:
    if not callsigns:
        raise CommandError("Which unit? Give a callsign.")
    on_duty = {u.name.lower(): u for u in Unit.objects.for_community(community).filter(on_duty=True)}
    missing = [c for c in callsigns if c.lower() not in on_duty]
    if missing:
        raise CommandError(f"No on-duty unit {', '.join(missing)}.")
    return [on_duty[c.lower()] for c in callsigns]


_NEW = re.compile(r"^(?P<type>.+?)\s*@\s*(?P<rest>.+)$")


def _new(request, args: str) -> Result:
    match = _NEW.match(args)
    if not match:
        raise CommandError("Usage: new <type> @ <location> [#<postal>] [p1|p2|p3]")
    rest = match.group("rest").split()
    priority, postal, words = 2, "", []
    for word in rest:
        if re.fullmatch(r"[pP][123]", word):
            priority = int(word[1])
        elif word.startswith("#") and len(word) > 1:
            postal = word[1:]
        else:
            words.append(word)
    call = calls.call_create(community=request.community, by_user=request.user, data=CallInput(
        call_type=match.group("type"), location=" ".join(words), postal=postal, priority=priority,
        origin=CallOrigin.RADIO_DISPATCH))
    return Result(True, f"Created call #{call.number} ({call.call_type}, priority {call.priority}).", str(call.pk))


def _assign(request, args: str) -> Result:
    parts = args.split()
    if len(parts) < 2:
        raise CommandError("Usage: assign <call> <callsign> [<callsign> ...]")
    call = _call(request.community, parts[0])
    units = _units(request.community, parts[1:])
    calls.call_assign_units(call=call, units=units, by=request.user)
    return Result(True, f"Assigned {', '.join(u.name for u in units)} to #{call.number}.", str(call.pk))


def _status(request, args: str) -> Result:
    parts = args.split(maxsplit=1)
    if len(parts) < 2:
        raise CommandError("Usage: status <callsign> <status>")
    (unit,) = _units(request.community, [parts[0]])
    dispatch.unit_set_status(unit=unit, status=parts[1].strip(), by=request.user)
    return Result(True, f"{unit.name} is now {parts[1].strip()}.")


def _note(request, args: str) -> Result:
    parts = args.split(maxsplit=1)
    if len(parts) < 2:
        raise CommandError("Usage: note <call> <text>")
    call = _call(request.community, parts[0])
    calls.call_add_note(call=call, text=parts[1], by_user=request.user)
    return Result(True, f"Note added to #{call.number}.", str(call.pk))


def _close(request, args: str) -> Result:
    parts = args.split(maxsplit=1)
    if not parts:
        raise CommandError("Usage: close <call> [<disposition>]")
    call = _call(request.community, parts[0])
    calls.call_close(call=call, disposition=parts[1] if len(parts) > 1 else "", by=request.user)
    return Result(True, f"Closed #{call.number}.", str(call.pk))


def _ack(request, args: str) -> Result:
    panics = list(active_panics(request.community))
    callsign = args.strip().lower()
    if callsign:
        panics = [p for p in panics if p.callsign.lower() == callsign]
    if not panics:
        raise CommandError("No panic to acknowledge." if not callsign else f"No active panic for {args.strip()}.")
    for panic in panics:
        calls.panic_acknowledge(panic=panic, by=request.user)
    return Result(True, f"Acknowledged {len(panics)} panic{'s' if len(panics) != 1 else ''}.")


def _view(request, args: str) -> Result:
    call = _call(request.community, args)
    return Result(True, f"Showing #{call.number}.", str(call.pk))


COMMANDS = {"new": _new, "assign": _assign, "status": _status, "note": _note, "close": _close, "ack": _ack,
            "view": _view}


def run_command(request, line: str) -> Result:
    line = (line or "").strip()
    if not line:
        return Result(False, HELP)
    name, _, args = line.partition(" ")
    handler = COMMANDS.get(name.lower())
    if handler is None:
        return Result(False, f"Unknown command {name!r}. {HELP}")
    try:
        return handler(request, args.strip())
    except CommandError as exc:
        return Result(False, str(exc))
    except DomainError as exc:
        return Result(False, exc.message)
