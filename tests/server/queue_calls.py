"""Queue helpers for the tests over a live server: open every window all day (the centre's default hours would
make a test depend on the time it runs), and find a window's id."""

from __future__ import annotations

from tests.live_server import LiveServer

SOCIAL_SECURITY_CARD = "RS-001"  # 党群服务中心 3号窗口 (人社)


def open_all_day(server: LiveServer) -> list[dict]:
    found = server.admin("GET", "/admin/queue/windows").json()
    for window in found:
        reply = server.admin("PUT", f"/admin/queue/windows/{window['id']}",
                             json={"is_open": True, "opens": "00:00", "closes": "24:00", "daily_limit": 999})
        reply.raise_for_status()
    return found


def window_of(windows: list[dict], service_code: str) -> dict:
    return next(w for w in windows if service_code in w["service_codes"])
