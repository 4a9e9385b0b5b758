"""The micro-wish wall's controller: fills the wall from the copy the sync engine keeps in the store
(services.wishes.wall), so it shows offline too ("as of HH:MM"), refills it when a new wall arrives or the
link changes, and starts a wish of the visitor's own through the feedback flow (category micro-wish), which puts
it in the outbox like any feedback."""

from __future__ import annotations

from typing import TYPE_CHECKING

from common.qr import qr_image
from kiosk.i18n import N_
from kiosk.phone_links import phone_base
from kiosk.textures import texture_from_image
from services.wishes.wall import card_texts, load_wall

if TYPE_CHECKING:
    from kiosk.host import KioskHost

SCREEN = "wishes"
MICRO_WISH_CATEGORY = "micro_wish"
# A lobby screen, not an archive: the wall scrolls through at most this many cards.
MAX_CARDS = 24
COUNT_LABELS = (N_("Posted this year"), N_("Claimed this year"), N_("Fulfilled this year"))
_OFFLINE_STATES = ("offline", "standalone", "unauthorised", "pairing")


class WishesController:
    def __init__(self, host: KioskHost, start_wish):
        self.host = host
        # Opens the feedback flow at the micro-wish category (the App's; features do not import each other).
        self._start_wish = start_wish
        self._qr_cache: dict[str, object] = {}
        host.bind(lang=self._refill)

    def open(self) -> None:
        screen = self.host.screens[SCREEN]
        screen.on_post_wish = self.post_wish
        self.fill(screen)
        self.host.navigator.go(SCREEN)

    def post_wish(self) -> None:
        self._start_wish(MICRO_WISH_CATEGORY)

    def wall_changed(self) -> None:
        """A new wall is in the store: refill the screen if it was built."""
        self._refill()

    def link_changed(self) -> None:
        """Online or offline now: only the "as of" line changes (the cards and their scroll stay)."""
        screen = self.host.screens.get(SCREEN)
        wall = load_wall(self.host.store) if screen is not None else None
        if screen is not None and wall is not None:
            screen.as_of = self._as_of(wall.generated_at)

    def _refill(self, *_args) -> None:
        screen = self.host.screens.get(SCREEN)
        if screen is not None:
            self.fill(screen)

    def fill(self, screen) -> None:
        wall = load_wall(self.host.store)
        if wall is None:
            screen.counts, screen.cards = [(label, 0) for label in COUNT_LABELS], []
            screen.as_of = ""
            return
        counts = wall.counts
        screen.counts = list(zip(COUNT_LABELS, (counts.posted, counts.claimed, counts.fulfilled), strict=True))
        texts = card_texts(wall, self.host.lang, self._public_base(), self.host.tr._)[:MAX_CARDS]
        screen.cards = [{"status": t.status, "title": t.title, "for_whom": t.for_whom, "status_line": t.status_line,
                         "posted": t.posted, "qr": self._qr(t.url)} for t in texts]
        screen.as_of = self._as_of(wall.generated_at)

    def _as_of(self, generated_at) -> str:
        """"As of HH:MM" (the last sync, else when the server made the wall) while the kiosk is offline."""
        status = self.host.sync_status
        if status is not None and status.state not in _OFFLINE_STATES:
            return ""
        moment = status.last_sync_at if status is not None and status.last_sync_at else generated_at
        return self.host.tr._("Offline: the wall as of %s") % moment.astimezone().strftime("%H:%M")

    def _public_base(self) -> str:
        """Where phones open the wish pages (kiosk/phone_links.py)."""
        return phone_base(self.host, self.host.kiosk_settings.feedback.status_url_base)

    def _qr(self, url: str):
        if not url:
            return None
        if url not in self._qr_cache:
            self._qr_cache[url] = texture_from_image(qr_image(url, box_size=6))
        return self._qr_cache[url]
