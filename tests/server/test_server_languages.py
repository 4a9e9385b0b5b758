"""The server's gettext: each render translates into its own request's language, even while another request in
another language renders at the same moment (no language switch shared between requests)."""

from __future__ import annotations

import threading

from tests.i18n_catalogues import compile_catalogues


def test_simultaneous_renders_keep_their_own_language():
    compile_catalogues("server")
    from server.web.i18n import english, use_language
    from server.web.phone_templating import environment

    template = environment.from_string(
        '{% for i in range(3) %}{{ _("Sign in") }}|{% trans %}Sign out{% endtrans %}|'
        '{{ pgettext("feedback status", "Received") }}|{{ wait() }}{% endfor %}')
    both_inside = threading.Barrier(2, timeout=10)
    pages = {}

    def render(lang: str) -> None:
        with use_language(lang):
            pages[lang] = template.render(wait=lambda: (both_inside.wait(), "")[1])

    threads = [threading.Thread(target=render, args=(lang,)) for lang in ("zh_CN", "en")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert pages["zh_CN"] == "登录|退出|已受理登记|" * 3
    assert pages["en"] == "Sign in|Sign out|Received|" * 3
    assert english("Received", "feedback status") == "Received"
