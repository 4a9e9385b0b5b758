from datetime import UTC, datetime, timedelta, timezone

import pytest

from common.checkin_rules import CHECKOUT_AFTER, EventWindow, PriorCheckin, Verdict, decide
from common.tickets import SigningKey, issue

UTC = UTC
OPENS = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
CLOSES = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DURING = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

OPEN_EVENT, CANCELLED_EVENT, DRAFT_EVENT, ELSEWHERE_EVENT = 42, 43, 44, 99
REVOKED, CHECKED_IN, FRESH = 1002, 1003, 1001
EARLIER = PriorCheckin(datetime(2026, 3, 1, 8, 45, tzinfo=UTC), "T1 大堂 1 号机")

KEY = SigningKey.generate(1)
OTHER_KEY = SigningKey.generate(1)  # same key id, different key: its tickets are forgeries


def ticket(event_id: int = OPEN_EVENT, ticket_id: int = FRESH, key: SigningKey = KEY) -> str:
    return issue(key, event_id, ticket_id)


def check(text: str, now: datetime = DURING) -> Verdict:
    asked = []

    def prior(ticket_id: int) -> PriorCheckin | None:
        asked.append(ticket_id)
        return EARLIER if ticket_id == CHECKED_IN else None

    verdict = decide(
        text,
        now=now,
        events={
            event_id: EventWindow(event_id, OPENS, CLOSES, status)
            for event_id, status in [(OPEN_EVENT, "published"), (CANCELLED_EVENT, "cancelled"), (DRAFT_EVENT, "draft")]
        },
        public_keys={1: KEY.public_bytes()},
        revoked={REVOKED},
        prior=prior,
    )
    # The check-in log is only consulted once everything else has passed.
    assert asked == ([verdict.ticket.ticket_id] if verdict.kind in ("welcome", "already") else [])
    return verdict


def test_welcome():
    verdict = check(ticket())

    assert (verdict.kind, verdict.accepted, verdict.prior) == ("welcome", True, None)
    assert (verdict.ticket.event_id, verdict.ticket.ticket_id) == (OPEN_EVENT, FRESH)


def test_already_names_the_earlier_check_in():
    verdict = check(ticket(ticket_id=CHECKED_IN))

    assert (verdict.kind, verdict.accepted, verdict.prior) == ("already", False, EARLIER)
    assert "T1 大堂 1 号机" in verdict.detail


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("garbage", "unreadable"),
        ("LK:" + "A" * 10_000, "unreadable"),
        (ticket(key=OTHER_KEY), "forged"),
        (ticket(key=SigningKey.generate(7)), "forged"),
        (ticket(event_id=ELSEWHERE_EVENT), "wrong_event"),
        (ticket(event_id=CANCELLED_EVENT), "event_cancelled"),
        (ticket(ticket_id=REVOKED), "cancelled"),
        (ticket(event_id=DRAFT_EVENT), "not_open"),
    ],
)
def test_refusals(text, kind):
    verdict = check(text)

    assert verdict.kind == kind
    assert not verdict.accepted
    assert verdict.prior is None
    assert verdict.detail
    assert (verdict.ticket is None) == (kind in ("unreadable", "forged"))


@pytest.mark.parametrize(
    ("now", "kind"),
    [
        (OPENS - timedelta(microseconds=1), "not_open"),
        (OPENS, "welcome"),
        (CLOSES - timedelta(microseconds=1), "welcome"),
        (CLOSES, "closed"),
        (CLOSES + timedelta(days=30), "closed"),
        # The same instants in Beijing time.
        (datetime(2026, 3, 1, 16, 29, 59, tzinfo=timezone(timedelta(hours=8))), "not_open"),
        (datetime(2026, 3, 1, 16, 30, tzinfo=timezone(timedelta(hours=8))), "welcome"),
        (datetime(2026, 3, 1, 20, 0, tzinfo=timezone(timedelta(hours=8))), "closed"),
    ],
)
def test_check_in_window(now, kind):
    assert check(ticket(), now=now).kind == kind


@pytest.mark.parametrize(
    ("text", "now", "kind"),
    [
        # A forgery is a forgery, whatever event it names.
        (ticket(event_id=ELSEWHERE_EVENT, ticket_id=REVOKED, key=OTHER_KEY), DURING, "forged"),
        # Another event's ticket: wrong_event before anything about the ticket itself.
        (ticket(event_id=ELSEWHERE_EVENT, ticket_id=REVOKED), CLOSES, "wrong_event"),
        # A cancelled event outranks a cancelled ticket and the window.
        (ticket(event_id=CANCELLED_EVENT, ticket_id=REVOKED), CLOSES, "event_cancelled"),
        # A cancelled ticket outranks the window and an earlier check-in.
        (ticket(ticket_id=REVOKED), OPENS - timedelta(hours=1), "cancelled"),
        # Outside the window outranks an earlier check-in.
        (ticket(ticket_id=CHECKED_IN), CLOSES, "closed"),
        (ticket(ticket_id=CHECKED_IN), OPENS - timedelta(hours=1), "not_open"),
    ],
)
def test_precedence(text, now, kind):
    assert check(text, now=now).kind == kind


def test_naive_time_is_a_programming_error():
    with pytest.raises(ValueError, match="aware"):
        check(ticket(), now=datetime(2026, 3, 1, 9, 0))


VOLUNTEER_EVENT = 45
CHECKED_OUT = 1004
IN_AT = datetime(2026, 3, 1, 8, 45, tzinfo=UTC)
OUT_AT = datetime(2026, 3, 1, 10, 45, tzinfo=UTC)


def check_volunteer(ticket_id: int, now: datetime) -> Verdict:
    """A volunteer activity: FRESH never scanned, CHECKED_IN in at 08:45, CHECKED_OUT in at 08:45 and out at 10:45."""
    priors = {CHECKED_IN: PriorCheckin(IN_AT, "T1 大堂 1 号机"),
              CHECKED_OUT: PriorCheckin(IN_AT, "T1 大堂 1 号机", checked_out_at=OUT_AT)}
    return decide(ticket(VOLUNTEER_EVENT, ticket_id), now=now,
                  events={VOLUNTEER_EVENT: EventWindow(VOLUNTEER_EVENT, OPENS, CLOSES, "published", volunteer=True)},
                  public_keys={1: KEY.public_bytes()}, revoked=set(), prior=priors.get)


@pytest.mark.parametrize(
    ("ticket_id", "now", "kind"),
    [
        (FRESH, DURING, "welcome"),
        (FRESH, CLOSES, "closed"),  # checking in still needs the window
        # Sooner than CHECKOUT_AFTER: a repeat, not a check-out.
        (CHECKED_IN, IN_AT + CHECKOUT_AFTER - timedelta(microseconds=1), "already"),
        (CHECKED_IN, IN_AT + CHECKOUT_AFTER, "checked_out"),
        # Checking out after the window closed still counts (the hours are capped at the end).
        (CHECKED_IN, CLOSES + timedelta(hours=3), "checked_out"),
        (CHECKED_OUT, OUT_AT, "already"),
        (CHECKED_OUT, OUT_AT + timedelta(hours=1), "already"),
        # A scan made before the check-out that counts (arriving late) is still the check-out.
        (CHECKED_OUT, OUT_AT - timedelta(minutes=30), "checked_out"),
    ],
)
def test_volunteer_check_out(ticket_id, now, kind):
    verdict = check_volunteer(ticket_id, now)

    assert verdict.kind == kind
    assert verdict.accepted == (kind == "welcome")
    assert (verdict.prior is not None) == (kind != "welcome" and kind != "closed")
