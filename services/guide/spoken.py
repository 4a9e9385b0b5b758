"""A service's guide as a visitor would want it read aloud: what it is, who may apply, what to bring, the steps
and where to go, in the visitor's language. Plain sentences for the speech engine (services/devices/speech.py)."""

from __future__ import annotations

from common.catalogue import Service
from common.translations import kiosk_translations


def guide_speech(service: Service, lang: str) -> str:
    tr = kiosk_translations(lang)
    materials = "; ".join(material.name.get(lang) for material in service.materials)
    steps = "; ".join(f"{index}. {step.title.get(lang)}: {step.detail.get(lang)}"
                      for index, step in enumerate(service.steps, 1))
    office = service.office
    parts = [
        service.name.get(lang),
        tr.gettext("Who may apply: {conditions}").format(conditions=service.conditions.get(lang)),
        tr.gettext("What to bring: {materials}").format(materials=materials),
        tr.gettext("Steps: {steps}").format(steps=steps),
        tr.gettext("Where: {window}, floor {floor}, room {room}.").format(window=office.window.get(lang),
                                                                          floor=office.floor, room=office.room),
    ]
    return "\n".join(parts)
