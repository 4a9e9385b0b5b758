"""The alerts page: the rules, channels and quiet hours (admins edit them) and the history of alerts with who was
told and when."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from server.alerts import lifecycle, messages
from server.alerts.form import BLANK_CHANNEL_ROWS, document_from_form, validated
from server.api.deps import DbSession, Settings
from server.audit.log import audit
from server.fleet.models import Alert, AlertDelivery
from server.web.sessions import ConsoleAdmin, ConsoleStaff, SubmittedForm
from server.web.templating import render

router = APIRouter()
_HISTORY = 100


def _page(request: Request, db, settings, values: dict, errors: dict, saved: bool = False,
          status_code: int = 200) -> Response:
    """``values``: the document the form shows (saved, or as submitted with its errors)."""
    zone = ZoneInfo(settings.timezone)
    alerts = list(db.scalars(select(Alert).order_by(Alert.id.desc()).limit(_HISTORY)))
    deliveries: dict[int, list[AlertDelivery]] = {}
    if alerts:
        for delivery in db.scalars(select(AlertDelivery).where(AlertDelivery.alert_id.in_([a.id for a in alerts]))
                                   .order_by(AlertDelivery.id)):
            deliveries.setdefault(delivery.alert_id, []).append(delivery)
    # Rendered inside render()'s language: the headlines are gettext calls.
    history = [{"alert": alert, "what": lambda alert=alert: messages.headline(alert, zone),
                "deliveries": deliveries.get(alert.id, [])} for alert in alerts]
    # A signing secret is never sent back to the browser: the field says whether one is set.
    channels = [{**channel, "secret": "", "has_secret": bool(channel.get("secret"))} for channel in values["channels"]]
    channels += [{"kind": "email", "target": "", "language": "zh_CN", "secret": "", "has_secret": False}
                 for _ in range(BLANK_CHANNEL_ROWS)]
    return render(request, "alerts.html", {"values": values, "channels": channels, "errors": errors,
                                           "history": history, "saved": saved, "smtp_ready": bool(settings.smtp_host)},
                  status_code)


@router.get("/alerts")
def alerts_page(request: Request, user: ConsoleStaff, db: DbSession, settings: Settings) -> Response:
    return _page(request, db, settings, lifecycle.load_settings(db).model_dump(mode="json"), {},
                 saved=request.query_params.get("saved") == "1")


@router.post("/alerts")
def save_alerts(request: Request, user: ConsoleAdmin, db: DbSession, settings: Settings,
                form: SubmittedForm) -> Response:
    previous = lifecycle.load_settings(db)
    document = document_from_form(form, [str(device) for device in form.getlist("peripheral_gone.devices")], previous)
    checked = validated(document)
    if isinstance(checked, dict):
        return _page(request, db, settings, document, checked, status_code=422)
    lifecycle.save_settings(db, checked, user.username)
    audit(db, user.username, "alerts.update", "alerts", channels=len(checked.channels))
    db.commit()
    return RedirectResponse("/console/alerts?saved=1", status_code=303)
