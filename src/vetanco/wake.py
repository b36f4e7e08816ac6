"""In-process wake-up so a committed event leaves at once instead of at the next poll."""

from __future__ import annotations

import threading

_wake = threading.Event()


def wake_dispatcher() -> None:
    _wake.set()


def wait_for_work(timeout: float) -> None:
    _wake.wait(timeout)
    _wake.clear()
