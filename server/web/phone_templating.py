"""The phone pages' Jinja2 environment: autoescape on everywhere, since what they show came from the public."""

from __future__ import annotations

from jinja2 import Environment

from server.feedback.status_names import public_status_name
from server.web import i18n
from server.web.template_folders import loader

# The phone pages with forms: never cached or passed on (tokens in URLs), only this site's images and forms.
FORM_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
                               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
}
environment = Environment(loader=loader("public"), autoescape=True,
                          trim_blocks=True, lstrip_blocks=True)
# gettext in the language of the page being rendered: render inside server.web.i18n.use_language(code).
i18n.install(environment)
environment.globals["public_status_name"] = public_status_name


def render_page(template: str, lang: str = "zh_CN", **context) -> str:
    """A phone page in ``lang``: Chinese first (the event pages show the English under it, from ``english()``)."""
    with i18n.use_language(lang):
        return environment.get_template(template).render(lang=lang, **context)
