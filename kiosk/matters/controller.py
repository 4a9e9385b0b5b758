"""The building-matters board and the convention on the kiosk: the board the sync engine keeps
(services.matters.board_store), turned into the screens' words in the visitor's language. The board is cached:
offline it shows what the terminal last had, with "as of HH:MM"."""

from __future__ import annotations

from datetime import date, datetime

from common import wire
from common.feedback_rules import displayable
from kiosk.host import KioskHost
from kiosk.i18n import N_
from kiosk.matters.board_screen import MatterCardText
from screens.icons import ICONS
from services.matters.board_store import KeptBoard, MattersBoardStore

MATTERS_SCREENS = ("matters", "convention")
# What the visitor reads on a card at most; the whole text is in the console.
DESCRIPTION_CHARS = 140
# Sync states in which the board may be older than the server's: "as of" shows.
_CURRENT_STATES = ("online", "syncing")
STATUS_WORDS = {"raised": N_("Awaiting the joint meeting"), "assigned": N_("Assigned"),
                "in_progress": N_("In progress"), "resolved": N_("Resolved")}
UNIT_WORDS = {"operator": N_("operator"), "property": N_("property manager"), "company": N_("tenant company"),
              "department": N_("district department"), "street": N_("street party committee")}


def _short(text: str, limit: int) -> str:
    text = displayable(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _day(value: datetime | date | None) -> str:
    if value is None:
        return ""
    day = value.astimezone().date() if isinstance(value, datetime) else value
    return day.isoformat()


def _icon(name: str) -> str:
    """An icon before a status word (the status label takes markup; the words are the kiosk's own)."""
    return f"[font=Icons]{ICONS[name]}[/font] "


class MattersController:
    def __init__(self, host: KioskHost):
        self.host = host
        self.kept: KeptBoard | None = MattersBoardStore(host.store).load()

    # -- from the sync engine and the App ----------------------------------------------------------

    def show_board(self, kept: KeptBoard) -> None:
        self.kept = kept
        self.refresh()

    def refresh(self) -> None:
        """Fill the screens built so far again (new board, language, connection state)."""
        for name in MATTERS_SCREENS:
            screen = self.host.screens.get(name)
            if screen is not None:
                self.fill(screen)

    def open_board(self) -> None:
        self.host.navigator.go("matters")

    def open_convention(self) -> None:
        self.host.navigator.go("convention")

    def show_list(self, which: str) -> None:
        screen = self.host.screens["matters"]
        screen.showing = which
        self.fill(screen)

    # -- words -------------------------------------------------------------------------------------

    def as_of(self) -> str:
        """"As of HH:MM" while the terminal cannot tell the board is current; empty when it can."""
        if self.kept is None:
            return ""
        status = self.host.sync_status
        if status is not None and status.state in _CURRENT_STATES:
            return ""
        moments = [self.kept.fetched_at] + ([status.last_sync_at] if status and status.last_sync_at else [])
        latest = max(moment.astimezone() for moment in moments)
        _ = self.host.tr._
        when = latest.strftime("%H:%M") if latest.date() == datetime.now().date() else latest.strftime("%Y-%m-%d %H:%M")
        return _("Offline: as of %s") % when

    def fill(self, screen) -> None:
        if screen.name == "matters":
            self._fill_board(screen)
        elif screen.name == "convention":
            self._fill_convention(screen)

    def _fill_board(self, screen) -> None:
        _ = self.host.tr._
        board = self.kept.board if self.kept else None
        screen.as_of = self.as_of()
        if board is None:
            screen.counts = []
            screen.resolved_tab, screen.open_tab = _("Resolved"), _("In progress")
            screen.empty_text = _("The board has not reached this terminal yet. Staff at the centre can tell you more.")
            screen.show_cards([])
            return
        counts = board.counts
        screen.counts = [(str(counts.raised), _("raised in %d") % counts.year),
                         (str(counts.resolved), _("resolved in %d") % counts.year),
                         (str(counts.open), _("being handled"))]
        screen.resolved_tab = _("Resolved (%d)") % len(board.resolved)
        screen.open_tab = _("In progress (%d)") % len(board.open)
        screen.empty_text = _("Nothing here yet.")
        matters = board.resolved if screen.showing == "resolved" else board.open
        screen.show_cards([self._card(matter) for matter in matters])

    def _card(self, matter: wire.BoardMatter) -> MatterCardText:
        _ = self.host.tr._
        who = matter.raised_by or _("a visitor at the kiosk")
        raised = _("Raised %(day)s by %(who)s") % {"day": _day(matter.raised_at), "who": who}
        if matter.meeting_title:
            raised += " · " + displayable(matter.meeting_title)
        unit = (_("By %(unit)s (%(kind)s)") % {"unit": displayable(matter.unit_name), "kind": _(UNIT_WORDS[matter.unit_kind])}
                if matter.unit_kind else "")
        if matter.status == "resolved":
            outcome = _("Done: %s") % _short(matter.resolution, 400)
            handler = " · ".join(part for part in (unit, _("resolved %s") % _day(matter.resolved_at)) if part)
            status = _icon("ok") + _(STATUS_WORDS[matter.status])
        else:
            outcome = _("Progress: %s") % _short(matter.progress, 300) if matter.progress else ""
            deadline = _("due %s") % _day(matter.deadline) if matter.deadline else ""
            handler = " · ".join(part for part in (unit, deadline) if part)
            status = _(STATUS_WORDS[matter.status])
            if matter.overdue:
                status = _icon("alert") + _("Overdue") + " · " + status
        return MatterCardText(title=displayable(matter.title), raised=raised,
                              description=_short(matter.description, DESCRIPTION_CHARS), status=status,
                              outcome=outcome, handler=handler, overdue=matter.overdue)

    def _fill_convention(self, screen) -> None:
        _ = self.host.tr._
        convention = self.kept.board.convention if self.kept else None
        if convention is None:
            screen.heading, screen.preamble, screen.version_line = _("Building convention"), "", ""
            screen.show_items([], _("The convention has not reached this terminal yet."))
            return
        screen.heading = displayable(convention.title)
        screen.preamble = displayable(convention.preamble)
        line = _("Version %(version)d · %(day)s") % {"version": convention.version, "day": _day(convention.updated_at)}
        as_of = self.as_of()
        screen.version_line = line + ("  ·  " + as_of if as_of else "")
        screen.show_items([(displayable(item.title), displayable(item.text)) for item in convention.items], "")
