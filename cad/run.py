"""`make run`: start the Procfile's processes (web, worker, beat) with honcho and stop them gracefully.

`honcho start` alone ends a Ctrl-C badly: it signals each process *group*, so the Celery worker's pool
children are killed under it (`ERROR ... exited with signal 15`), it sends SIGKILL after 5 seconds while
the worker is still finishing its tasks, and it exits 130 (`make: *** Error 130`). Here each process's
main pid gets SIGTERM (Celery's warm shutdown, uvicorn's graceful stop), there is a longer grace period,
and a Ctrl-C that stopped everything cleanly exits 0. In a terminal this process also takes the
foreground, so the Ctrl-C reaches it rather than `make` (which would die of the signal itself).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from pathlib import Path

from honcho import environ
from honcho import manager as honcho_manager
from honcho.printer import Printer

GRACE_SECONDS = int(os.environ.get("RUN_GRACE_SECONDS", "30"))
STOPPED_BY_SIGNAL = (130, 143)  # honcho's return code after SIGINT / SIGTERM
# How a process stopped by our SIGTERM may end: uvicorn re-raises the signal after its graceful shutdown.
CLEAN_STOP = (0, -signal.SIGTERM, 128 + signal.SIGTERM)


class _MainProcessOnly(honcho_manager.ProcessManager):
    """Signal a process, not its group: the Celery worker stops its own pool children."""

    def terminate(self, pid):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGTERM)


@contextlib.contextmanager
def _foreground():
    """Own the terminal's foreground process group while running (restored afterwards)."""
    try:
        fd = sys.stdin.fileno()
        original = os.tcgetpgrp(fd) if os.isatty(fd) else None
    except (OSError, ValueError):
        original = None
    if original is None or original != os.getpgrp():
        yield
        return
    try:
        os.setpgid(0, 0)
        _set_foreground(fd, os.getpgrp())
    except OSError:
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            _set_foreground(fd, original)


def _set_foreground(fd: int, pgrp: int) -> None:
    previous = signal.signal(signal.SIGTTOU, signal.SIG_IGN)  # a background group may take the terminal back
    try:
        os.tcsetpgrp(fd, pgrp)
    finally:
        signal.signal(signal.SIGTTOU, previous)


def main(procfile: str = "Procfile") -> int:
    honcho_manager.KILL_WAIT = GRACE_SECONDS
    processes = environ.parse_procfile(Path(procfile).read_text()).processes
    manager = honcho_manager.Manager(Printer(sys.stdout, colour=sys.stdout.isatty()))
    manager._procmgr = _MainProcessOnly()
    for process in environ.expand_processes(processes, port=int(os.environ.get("PORT", "8000"))):
        # honcho runs each command through a shell: `exec` makes the signalled pid the process itself.
        command = process.cmd if process.cmd.startswith("exec ") else f"exec {process.cmd}"
        manager.add_process(process.name, command, env={**os.environ, **process.env})
    with _foreground():
        manager.loop()
    codes = [p.get("returncode") for p in manager._processes.values()]
    if manager.returncode in STOPPED_BY_SIGNAL and all(code in CLEAN_STOP for code in codes):
        return 0
    return manager.returncode or 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
