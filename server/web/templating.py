"""Rendering a console page: Jinja2 with autoescape on, plus what every page needs (language, user, CSRF token)."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment

from common.catalogue import Text
from server.accounts.users import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, has_admin_role
from server.core.config import current_settings
from server.feedback.console.alerts import feedback_alerts
from server.feedback.status_names import status_name
from server.web import i18n
from server.web.i18n import LANGUAGES, N_, language, use_language
from server.web.menu import console_menu
from server.web.sessions import CSRF_FIELD
from server.web.static_files import static_url
from server.web.template_folders import loader

# Autoescape everywhere: names, screens and messages come from terminals and the public.
_environment = Environment(loader=loader("console"), autoescape=True,
                           trim_blocks=True, lstrip_blocks=True)
# The account rules the password fields enforce in the browser, from the one place the server checks them.
_environment.globals.update(min_password_length=MIN_PASSWORD_LENGTH, max_password_length=MAX_PASSWORD_LENGTH)
# The unhappy-terminal banner base.html shows on every signed-in page.
_environment.globals["feedback_alerts"] = feedback_alerts
_environment.globals["fleet_timezone"] = lambda: current_settings().timezone
# gettext for {% trans %} and _(), in the language of the request being rendered (see render()).
i18n.install(_environment)
_environment.globals["status_name"] = status_name
_environment.globals["static_url"] = static_url
# A role is a word of the console's language, not the stored code.
_environment.globals["role_names"] = {"admin": N_("Administrator"), "operator": N_("Operator")}


def _when(value: datetime | None) -> str:
    """A stored (UTC) time in the fleet's local time zone, as the people in the building read their clocks."""
    if value is None:
        return "—"
    return value.astimezone(ZoneInfo(current_settings().timezone)).strftime("%Y-%m-%d %H:%M:%S")


def _shown(value) -> str:
    """A setting's or detail's value as text: strings as they are, the rest as JSON (CJK kept readable)."""
    if value is None:
        return "—"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


_environment.filters["when"] = _when
_environment.filters["shown"] = _shown


def fleet_name(request: Request, lang: str) -> str:
    """The centre's name from the server's built-in settings, in the console's language."""
    centre = request.app.state.builtin_settings.get("terminal", {}).get("centre_name")
    try:
        return Text.model_validate(centre).get(lang)
    except ValueError:
        return "Lobby Kiosk"


def render(request: Request, template: str, context: dict, status_code: int = 200) -> HTMLResponse:
    lang = language(request)
    session = getattr(request.state, "console_session", None)
    user = session.admin if session is not None else None
    is_admin = user is not None and has_admin_role(user)
    menu = console_menu(getattr(request.app.state, "console_menu_entries", ()), is_admin) if user is not None else ()
    with use_language(lang):
        page = _environment.get_template(template).render(
            request=request, lang=lang, languages=LANGUAGES, user=user,
            is_admin=is_admin, menu=menu, csrf_field=CSRF_FIELD,
            csrf_token=session.csrf_token if session is not None else context.get("login_csrf", ""),
            fleet_name=fleet_name(request, lang), **context,
        )
    return HTMLResponse(page, status_code=status_code)
