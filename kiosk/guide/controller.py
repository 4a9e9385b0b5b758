"""The government-service guide: browsing by department, life event or popularity, searching as the visitor
types, a service's full guide with its QR code, and printing it.

The search index is built on a worker thread (kiosk.guide.search_builder); until it is ready, searches
wait rather than say "nothing found".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from common.catalogue import Catalogue, Service
from kiosk.guide.search_builder import build_search_index
from kiosk.host import KioskHost
from services.devices.printer import service_slip

SEARCH_RESULT_LIMIT = 60
# The screens this controller fills, by name.
GUIDE_SCREENS = ("guide", "services", "search", "detail")


class GuideController:
    def __init__(self, host: KioskHost, on_index_ready: Callable[[], None]):
        self.host = host
        # Called on the UI thread once a catalogue's index is ready (the App then builds the other screens).
        self._on_index_ready = on_index_ready
        # Built on a worker thread; None until then.
        self.search_index = None
        self._indexed_catalogue: Catalogue | None = None  # the catalogue whose index is built or on its way

    # -- the catalogue and its index -------------------------------------------------------------

    def index_catalogue(self) -> None:
        """Searches wait (no "nothing found") until the current catalogue's index is built. The same
        catalogue again (the first sync sends the one the terminal came with) keeps its index: building
        one takes a second or two of a core."""
        catalogue = self.host.catalogue
        if catalogue == self._indexed_catalogue:
            return
        self._indexed_catalogue = catalogue
        self.search_index = None
        build_search_index(catalogue, self._on_search_index)

    def _on_search_index(self, catalogue: Catalogue, index) -> None:
        if catalogue != self.host.catalogue:
            return  # replaced meanwhile; the newer catalogue's index is on its way
        self.search_index = index
        if "search" in self.host.screens:
            self._run_search(self.host.screens["search"].query)
        self._on_index_ready()

    # -- filling the screens ---------------------------------------------------------------------

    def fill(self, screen) -> None:
        """Show the catalogue data of one guide screen, in the current language; also when first built."""
        host = self.host
        catalogue, lang = host.catalogue, host.lang
        if screen.name == "guide":
            screen.departments = [(d.id, d.name.get(lang), len(catalogue.in_department(d.id))) for d in catalogue.departments]
            screen.life_events = [(e.id, e.name.get(lang), len(catalogue.in_life_event(e.id))) for e in catalogue.life_events]
            screen.popular_rows = self._rows(catalogue.popular(host.kiosk_settings.guide.popular_count))
        elif screen.name == "services":
            if getattr(screen, "source", None):
                self.open_service_list(*screen.source, navigate=False)
        elif screen.name == "search":
            screen.on_query_changed = self._run_search
            self._run_search(screen.query)
        elif screen.name == "detail" and screen.service is not None:
            self.open_service(screen.service.code, navigate=False)

    def popular_shortcuts(self) -> list[tuple[str, str]]:
        """(code, name) of the most popular services, for the home screen."""
        popular = self.host.catalogue.popular(self.host.kiosk_settings.guide.popular_count)
        return [(s.code, s.name.get(self.host.lang)) for s in popular[:6]]

    def _rows(self, services: list[Service]) -> list[dict]:
        host = self.host
        _ = host.tr._
        rows = []
        for service in services:
            department = host.catalogue.department(service.department)
            days = service.promised_time_limit_days
            rows.append(
                {
                    "code": service.code,
                    "title": service.name.get(host.lang),
                    "subtitle": f"{department.name.get(host.lang)}  ·  {service.office.window.get(host.lang)}",
                    "tag": _("On the spot") if days == 0 else host.tr.ngettext("%d working day", "%d working days", days) % days,
                }
            )
        return rows

    # -- navigation (called from the screens) ----------------------------------------------------

    def open_guide(self, tab: str | None = None) -> None:
        if tab:
            self.host.screens["guide"].tab = tab
        self.host.navigator.go("guide")

    def open_search(self) -> None:
        self.host.navigator.go("search")

    def open_service_list(self, kind: str, key: str, navigate: bool = True) -> None:
        catalogue = self.host.catalogue
        screen = self.host.screens["services"]
        if kind == "department":
            group, services = catalogue.department(key), catalogue.in_department(key)
        else:
            group, services = catalogue.life_event(key), catalogue.in_life_event(key)
        if group is None:
            return
        screen.source = (kind, key)
        screen.heading = group.name.get(self.host.lang)
        screen.rows = self._rows(services)
        if navigate:
            screen.reset()
            self.host.navigator.go("services")

    def open_service(self, code: str, navigate: bool = True) -> None:
        host = self.host
        service = host.catalogue.service(code)
        if service is None:
            return
        from common.qr import qr_image
        from kiosk.textures import texture_from_image

        url = self.guide_url(service)
        department = host.catalogue.department(service.department)
        texture = texture_from_image(qr_image(url, box_size=4, border=1))
        host.screens["detail"].show(service, department.name.get(host.lang), texture, url)
        if navigate:
            host.usage.viewed(code, self._how_found())
            host.navigator.go("detail")

    def _how_found(self) -> str:
        """How the visitor came to the service they open: from the screen they open it on."""
        current = self.host.navigator.current
        if current == "search":
            return "search"
        if current == "services":
            source = self.host.screens["services"].source
            return source[0] if source else "department"
        return "popular"  # the home screen's shortcuts and the guide's popular tab

    def guide_url(self, service: Service) -> str:
        template = self.host.kiosk_settings.guide.qr_url_template
        return template.format(code=service.code) if template else service.online_url

    def _run_search(self, query: str) -> None:
        screen = self.host.screens["search"]
        screen.ready = self.search_index is not None
        hits = self.search_index.search(query, limit=SEARCH_RESULT_LIMIT) if query.strip() and screen.ready else []
        services = [s for s in (self.host.catalogue.service(hit.code) for hit in hits) if s is not None]
        screen.rows = self._rows(services)
        if screen.ready:
            self.host.usage.searched(query, len(services), [s.code for s in services[:3]])

    # -- printing --------------------------------------------------------------------------------

    def print_current_service(self) -> None:
        host = self.host
        service = host.screens["detail"].service
        if service is None or host.printing:
            return
        terminal = host.kiosk_settings.terminal
        slip = service_slip(
            service,
            host.catalogue.department(service.department).name.get(host.lang),
            host.lang,
            self.guide_url(service),
            terminal.name,
            datetime.now(),
            centre_name=terminal.centre_name.get(host.lang),
        )
        host.print_slip(slip)
        host.usage.printed(service.code)

    # -- the session -----------------------------------------------------------------------------

    def reset(self) -> None:
        """Nothing of the last visitor's browsing stays (the screens themselves are reset by the App)."""
        if "services" in self.host.screens:
            self.host.screens["services"].source = None
