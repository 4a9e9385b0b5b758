"""The console's Usage pages: what visitors come to the terminals for (charts, every table as CSV), and the
searches that found nothing, each with "add as an alias of a service" and "dismiss"."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from server.api.deps import DbSession, Settings
from server.core.clock import utcnow
from server.core.ids import id_from_text
from server.feedback.console.chart import bar_chart
from server.fleet import catalogues
from server.fleet.models import Terminal, TerminalGroup
from server.usage import popularity, search_gaps
from server.usage.console.charts import day_chart, heat_map
from server.usage.queries import UsageFigures, UsageFilter, UsageFilterError, figures, local_today, visits_by_terminal
from server.web.i18n import N_, gettext, language, use_language
from server.web.sessions import ConsoleAdmin, ConsoleDenied, ConsoleStaff
from server.web.templating import render

router = APIRouter()
TOP_SERVICES = 15
LABEL_CHARS = 38
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
# What the page's words for the keys of each breakdown are (module, found by, ended, large text).
KEY_WORDS = {
    "guide": N_("Service guide"), "checkin": N_("Event check-in"), "feedback": N_("Feedback"),
    "search": N_("Search"), "department": N_("Department"), "life_event": N_("Life event"), "popular": N_("Popular"),
    "idle": N_("Walked away (idle timeout)"), "home": N_("Back home"), "finished": N_("Finished (printed or sent)"),
    "yes": N_("Large text"), "no": N_("Standard text"), "zh_CN": N_("Chinese"), "en": N_("English"),
}


class _Chosen:
    """The filter form's choices as typed, and the filter they make (or the error that keeps the default)."""

    def __init__(self, request: Request, settings: Settings, terminal_id: str = "", group_id: str = "",
                 first_day: str = "", last_day: str = ""):
        self.form = {"terminal_id": terminal_id, "group_id": group_id, "first_day": first_day, "last_day": last_day}
        self.query = request.url.query
        self.error = ""
        today = local_today(settings.timezone, utcnow())
        try:
            first, last = _day(first_day), _day(last_day)
            self.filter = UsageFilter.make(today, first, last, id_from_text(terminal_id),
                                           None if id_from_text(terminal_id) else id_from_text(group_id))
        except (ValueError, UsageFilterError):
            self.error = N_("The dates are not a range: the first day must be a date before the last, at most a year before.")
            self.filter = UsageFilter.make(today)


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


Chosen = Annotated[_Chosen, Depends(_Chosen)]


def _service_names(db, lang: str) -> dict[str, str]:
    row = catalogues.current(db)
    services = json.loads(row.document)["services"] if row else []
    return {s["code"]: s["name"].get("zh" if lang == "zh_CN" else "en") or s["code"] for s in services}


def _word(key: str) -> str:
    return gettext(KEY_WORDS[key]) if key in KEY_WORDS else key


def tables(db, found: UsageFigures, chosen: _Chosen, lang: str) -> dict[str, tuple[list[str], list[list]]]:
    """Every table of the page: name -> (column headings, rows), in ``lang`` (call within use_language), as shown
    and as CSV."""
    names = _service_names(db, lang)
    takeaway = found.counts["takeaway"]
    made = {
        "days": ([N_("Day"), N_("Visits")], [[day.isoformat(), n] for day, n in sorted(found.per_day.items())]),
        "hours": ([N_("Weekday"), *[f"{h:02d}" for h in range(24)]],
                  [[gettext(WEEKDAYS[d]), *found.heat[d]] for d in range(7)]),
        "terminals": ([N_("Terminal"), N_("Visits")], [[name, n] for _, name, n in visits_by_terminal(db, chosen.filter)]),
        "modules": ([N_("Module"), N_("Visits")], [[_word(k), n] for k, n in found.tally("module")]),
        "services": ([N_("Service"), N_("Code"), N_("Views")],
                     [[names.get(k, k), k, n] for k, n in found.tally("view")]),
        "found_by": ([N_("Found by"), N_("Views")], [[_word(k), n] for k, n in found.tally("via")]),
        "takeaway": ([N_("Taken away"), N_("Guides")],
                     [[gettext(N_("QR code on screen 8 s or more")), takeaway["qr"]],
                      [gettext(N_("Slip printed")), takeaway["print"]], [gettext(N_("Either")), takeaway["any"]],
                      [gettext(N_("Guides viewed")), found.views]]),
        "languages": ([N_("Language"), N_("Visits")], [[_word(k), n] for k, n in found.tally("language")]),
        "large_text": ([N_("Text size"), N_("Visits")], [[_word(k), n] for k, n in found.tally("large_text")]),
        "ended": ([N_("How the visit ended"), N_("Visits")], [[_word(k), n] for k, n in found.tally("ended")]),
    }
    return {name: ([gettext(h) if not h.isdigit() else h for h in headings], rows)
            for name, (headings, rows) in made.items()}


def _short(label: str) -> str:
    """A chart's label short enough for its label column (the table beside it has the whole name)."""
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…"


def _choices(db) -> dict:
    return {"terminals": list(db.execute(select(Terminal.id, Terminal.name).order_by(Terminal.name))),
            "groups": list(db.execute(select(TerminalGroup.id, TerminalGroup.name).order_by(TerminalGroup.name)))}


@router.get("/usage")
def usage_page(request: Request, user: ConsoleStaff, db: DbSession, chosen: Chosen) -> Response:
    lang = language(request)
    found = figures(db, chosen.filter)
    with use_language(lang):
        shown = tables(db, found, chosen, lang)
    charts = {name: bar_chart([(_short(str(row[0])), row[-1]) for row in shown[name][1][:limit]])
              for name, limit in (("modules", 3), ("services", TOP_SERVICES), ("found_by", 4), ("languages", 2),
                                  ("large_text", 2), ("ended", 3), ("terminals", 20))}
    return render(request, "usage.html", {
        "found": found, "tables": shown, "charts": charts, "heat": heat_map(found.heat),
        "days": day_chart(found.per_day), "weekdays": WEEKDAYS, "chosen": chosen, **_choices(db),
    })


@router.get("/usage/export/{table}.csv")
def export_csv(request: Request, table: str, user: ConsoleStaff, db: DbSession, chosen: Chosen) -> Response:
    lang = language(request)
    with use_language(lang):
        if table == "searches":
            headings, rows = _gap_table(search_gaps.search_gaps(db, chosen.filter))
        else:
            shown = tables(db, figures(db, chosen.filter), chosen, lang)
            if table not in shown:
                raise ConsoleDenied(N_("Not found"), 404)
            headings, rows = shown[table]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    writer.writerows(rows)
    wanted = chosen.filter
    return Response(("\ufeff" + out.getvalue()).encode(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="usage-{table}-{wanted.first_day}-{wanted.last_day}.csv"'})


def _gap_table(gaps: list[search_gaps.SearchGap]) -> tuple[list[str], list[list]]:
    return ([gettext(h) for h in (N_("Query"), N_("Visits"), N_("No result"), N_("Results not opened"),
                                  N_("Terminals"), N_("Done"))],
            [[g.query, g.visits, g.nothing, g.unopened, " / ".join(g.terminals),
              f"{g.action or ''} {g.service_code or ''}".strip()] for g in gaps])


@router.get("/usage/popularity")
def popularity_page(request: Request, user: ConsoleStaff, db: DbSession, settings: Settings, done: str = "") -> Response:
    return _popularity(request, db, settings, {"done": done})


def _popularity(request: Request, db, settings: Settings, state: dict, status_code: int = 200) -> Response:
    row = catalogues.current(db)
    services = json.loads(row.document)["services"] if row else []
    views = popularity.views_by_service(db, local_today(settings.timezone, utcnow()))
    pins = popularity.pins(db)
    lang = language(request)
    rows = sorted(({"code": s["code"], "name": s["name"].get("zh" if lang == "zh_CN" else "en") or s["code"],
                    "popularity": s["popularity"], "views": views.get(s["code"], 0), "pinned": pins.get(s["code"])}
                   for s in services), key=lambda r: (-r["popularity"], r["code"]))
    return render(request, "usage_popularity.html", {
        "rows": rows, "window": popularity.WINDOW_DAYS, "min_views": popularity.MIN_VIEWS,
        "total_views": sum(views.values()), "max": popularity.MAX_POPULARITY, **state}, status_code)


@router.post("/usage/popularity/{service_code}")
def pin_popularity(request: Request, service_code: str, user: ConsoleAdmin, db: DbSession, settings: Settings,
                   value: Annotated[str, Form(max_length=20)] = "", unpin: Annotated[str, Form(max_length=5)] = "") -> Response:
    """Pin a service's popularity (an administrator), or unpin it: the catalogue changes at once."""
    now = utcnow()
    number = None if unpin else (int(value) if value.strip().isdigit() and len(value.strip()) <= 6 else -1)
    try:
        if number is not None and not 0 <= number <= popularity.MAX_POPULARITY:
            raise ValueError(value)
        popularity.pin(db, service_code, number, user.username, local_today(settings.timezone, now), now)
    except (ValueError, LookupError):
        db.rollback()
        return _popularity(request, db, settings, {"error": N_("A whole number from 0 to 100,000."),
                                                   "error_code": service_code}, 422)
    db.commit()
    return RedirectResponse("/console/usage/popularity?done=1", status_code=303)


@router.get("/usage/searches")
def searches_page(request: Request, user: ConsoleStaff, db: DbSession, chosen: Chosen,
                  done: str = "") -> Response:
    return _searches(request, db, chosen, {"done": done})


def _searches(request: Request, db, chosen: _Chosen, state: dict, status_code: int = 200) -> Response:
    lang = language(request)
    names = _service_names(db, lang)
    return render(request, "usage_searches.html", {
        "gaps": search_gaps.search_gaps(db, chosen.filter), "k": search_gaps.K_ANONYMITY, "chosen": chosen,
        "services": sorted(names.items(), key=lambda item: item[0]), "names": names, **state, **_choices(db),
    }, status_code)


@router.post("/usage/searches/alias")
def add_alias(request: Request, user: ConsoleStaff, db: DbSession, settings: Settings,
              query: Annotated[str, Form(max_length=200)] = "",
              service_code: Annotated[str, Form(max_length=20)] = "") -> Response:
    try:
        search_gaps.add_alias(db, query, service_code, user.username)
    except search_gaps.SearchGapRefused as exc:
        db.rollback()
        error = N_("Choose a service of the catalogue.") if exc.field == "service_code" else N_("Not a query that can be shown.")
        return _searches(request, db, _Chosen(request, settings), {"error": error, "error_query": query}, 422)
    db.commit()
    return RedirectResponse("/console/usage/searches?done=alias", status_code=303)


@router.post("/usage/searches/dismiss")
def dismiss(request: Request, user: ConsoleStaff, db: DbSession, settings: Settings,
            query: Annotated[str, Form(max_length=200)] = "") -> Response:
    try:
        search_gaps.dismiss(db, query, user.username)
    except search_gaps.SearchGapRefused:
        db.rollback()
        return _searches(request, db, _Chosen(request, settings),
                         {"error": N_("Not a query that can be shown."), "error_query": query}, 422)
    db.commit()
    return RedirectResponse("/console/usage/searches?done=dismissed", status_code=303)
