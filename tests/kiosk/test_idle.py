"""Idle timeout on a clock the test moves by hand: active, a whole-second countdown, then expired."""

from __future__ import annotations

import pytest

from kiosk.idle import IdleMonitor, IdlePhase, IdleState

TIMEOUT, WARNING = 60, 20


class HandClock:
    """A monotonic clock that only moves when told to."""

    def __init__(self, start: float = 5000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock():
    return HandClock()


@pytest.fixture
def monitor(clock):
    return IdleMonitor(TIMEOUT, WARNING, clock=clock)


def test_active_until_the_timeout(monitor, clock):
    assert monitor.state().phase is IdlePhase.ACTIVE
    clock.advance(TIMEOUT - 0.001)
    state = monitor.state()
    assert state.phase is IdlePhase.ACTIVE and state.remaining == 0


def test_warning_counts_down_in_whole_seconds(monitor, clock):
    clock.advance(TIMEOUT)
    shown = []
    for _ in range(WARNING):
        state = monitor.state()
        assert state.phase is IdlePhase.WARNING
        shown.append(state.remaining)
        clock.advance(1)
    assert shown == list(range(WARNING, 0, -1))


def test_warning_rounds_part_seconds_up(monitor, clock):
    clock.advance(TIMEOUT + 0.5)
    assert monitor.state().remaining == WARNING
    clock.advance(WARNING - 0.6)  # 0.1 s left: still warning, never "0 seconds"
    assert monitor.state() == IdleState(IdlePhase.WARNING, 1)


def test_expired_after_timeout_and_warning(monitor, clock):
    clock.advance(TIMEOUT + WARNING)
    assert monitor.state().phase is IdlePhase.EXPIRED
    clock.advance(3600)
    state = monitor.state()
    assert state.phase is IdlePhase.EXPIRED and state.remaining == 0


def test_activity_restarts_the_wait(monitor, clock):
    clock.advance(TIMEOUT + WARNING / 2)
    assert monitor.state().phase is IdlePhase.WARNING
    monitor.activity()
    assert monitor.state().phase is IdlePhase.ACTIVE
    clock.advance(TIMEOUT - 1)
    assert monitor.state().phase is IdlePhase.ACTIVE
    clock.advance(1)
    assert monitor.state().phase is IdlePhase.WARNING


def test_configure_changes_the_timeouts(monitor, clock):
    clock.advance(TIMEOUT / 2)
    monitor.configure(TIMEOUT / 4, WARNING)
    assert monitor.state().phase is IdlePhase.WARNING
    monitor.configure(TIMEOUT / 4, 1)
    assert monitor.state().phase is IdlePhase.EXPIRED
    monitor.configure(TIMEOUT * 2, WARNING)
    assert monitor.state().phase is IdlePhase.ACTIVE
