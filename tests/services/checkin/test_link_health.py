"""Link health: online/offline switching from request history alone, on an injected clock."""

from __future__ import annotations

from common.settings import LinkSettings
from services.checkin.link_health import LinkHealth

SETTINGS = LinkSettings(failures_to_offline=2, slow_seconds=0.5, slow_to_offline=3, cooldown_seconds=30,
                        max_cooldown_seconds=100)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _link():
    clock = Clock()
    return LinkHealth(SETTINGS, clock), clock


def test_starts_online_and_one_failure_is_forgiven():
    link, _ = _link()
    assert link.state == "online" and link.should_try()
    link.failed()
    assert link.state == "online"
    link.succeeded(0.1)
    link.failed()
    assert link.state == "online", "a success in between resets the count"


def test_failures_in_a_row_switch_offline_until_the_cooldown_ends():
    link, clock = _link()
    link.failed()
    link.failed()
    assert link.state == "offline" and not link.should_try()
    clock.now += 29.9
    assert not link.should_try()
    clock.now += 0.2
    assert link.should_try(), "after the cool-down the next request is a probe"
    assert link.state == "offline"
    link.succeeded(0.1)
    assert link.state == "online"


def test_slow_answers_in_a_row_switch_offline():
    link, _ = _link()
    link.succeeded(0.6)
    link.succeeded(0.7)
    assert link.state == "online"
    link.succeeded(0.2)  # a quick one breaks the run
    for _ in range(2):
        link.succeeded(0.9)
    assert link.state == "online"
    link.succeeded(0.9)
    assert link.state == "offline"


def test_a_failed_probe_doubles_the_cooldown_up_to_the_cap():
    link, clock = _link()
    link.failed()
    link.failed()
    waits = []
    for _ in range(4):
        start = clock.now
        while not link.should_try():
            clock.now += 1
        waits.append(clock.now - start)
        link.failed()  # the probe fails
    assert waits == [30, 60, 100, 100]
    while not link.should_try():
        clock.now += 1
    link.succeeded(0.1)
    link.failed()
    link.failed()
    start = clock.now
    while not link.should_try():
        clock.now += 1
    assert clock.now - start == 30, "back online resets the cool-down"


def test_a_slow_probe_counts_as_failed():
    link, clock = _link()
    link.failed()
    link.failed()
    clock.now += 30
    link.succeeded(2.0)
    assert link.state == "offline" and not link.should_try()


def test_answers_during_the_cooldown_do_not_end_it():
    link, clock = _link()
    link.failed()
    link.failed()
    link.succeeded(0.1)  # e.g. a request that started before the switch
    assert link.state == "offline" and not link.should_try()
    link.failed()
    clock.now += 30
    assert link.should_try(), "a failure during the cool-down does not lengthen it"


def test_new_settings_apply_to_the_next_switch():
    link, _ = _link()
    link.configure(SETTINGS.model_copy(update={"failures_to_offline": 1}))
    link.failed()
    assert link.state == "offline"
