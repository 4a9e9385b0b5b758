"""A service's full guide, with a QR code to take it away on a phone and a print button."""

from pathlib import Path

from kivy.app import App
from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen
from kivy.utils import escape_markup

from screens.icons import ICONS


class FactCard(BoxLayout):
    icon = StringProperty("")
    value = StringProperty("")
    caption = StringProperty("")


class DetailScreen(Screen):
    service = ObjectProperty(None, allownone=True)
    department_name = StringProperty("")
    qr_texture = ObjectProperty(None, allownone=True)
    qr_url = StringProperty("")

    def show(self, service, department_name, qr_texture, qr_url):
        self.service, self.department_name, self.qr_texture, self.qr_url = service, department_name, qr_texture, qr_url
        self._build()
        self.ids.scroll.scroll_y = 1

    def reset(self):
        self.service, self.qr_texture, self.qr_url = None, None, ""
        self.ids.guide.clear_widgets()

    def _build(self):
        guide = self.ids.guide
        guide.clear_widgets()
        service = self.service
        if service is None:
            return
        app = App.get_running_app()
        _, lang = app.tr._, app.lang
        text = lambda value: value.get(lang)  # noqa: E731 - a Text in the current language

        guide.add_widget(Factory.GuideTitle(text=text(service.name)))
        audience = "、" if lang.startswith("zh") else ", "
        who = audience.join(_("Individuals") if a == "individual" else _("Companies") for a in service.audience)
        guide.add_widget(Factory.MutedLabel(text=f"{service.code}  ·  {self.department_name}  ·  {_('For')}: {who}"))

        facts = BoxLayout(spacing=app.theme.gap, size_hint_y=None, height=app.theme.target * 2.2)
        days = service.promised_time_limit_days
        facts.add_widget(FactCard(icon=ICONS["timer"], value=_("On the spot") if days == 0 else app.tr.ngettext("%d working day", "%d working days", days) % days, caption=_("Promised time")))
        visits = service.visits_required
        facts.add_widget(FactCard(icon=ICONS["place"], value=_("Fully online") if visits == 0 else app.tr.ngettext("%d visit at most", "%d visits at most", visits) % visits, caption=_("Visits needed")))
        fee = service.fee.amount_yuan
        facts.add_widget(FactCard(icon=ICONS["fee"], value=_("Free") if fee == 0 else _("%s yuan") % f"{fee:g}", caption=_("Fee")))
        guide.add_widget(facts)

        self._section(_("Who can apply"), text(service.conditions))

        self._heading(_("Materials to bring"))
        for number, material in enumerate(service.materials, 1):
            sheets = []
            if material.originals:
                sheets.append(_("original × %d") % material.originals)
            if material.copies:
                sheets.append(_("copy × %d") % material.copies)
            line = f"[b]{number}. {escape_markup(text(material.name))}[/b]\n{'  ·  '.join(sheets)}"
            if not material.required:
                line += "  ·  " + _("if applicable")
            if material.note:
                line += f"\n{escape_markup(text(material.note))}"
            guide.add_widget(Factory.KLabel(text=line, markup=True))

        self._heading(_("Steps"))
        for number, step in enumerate(service.steps, 1):
            guide.add_widget(Factory.KLabel(text=f"[b]{number}. {escape_markup(text(step.title))}[/b]\n{escape_markup(text(step.detail))}", markup=True))

        promised = _("on the spot") if days == 0 else app.tr.ngettext("%d working day", "%d working days", days) % days
        self._section(_("Time limit"), _("Legal: %(legal)d working days; promised: %(promised)s") % {"legal": service.legal_time_limit_days, "promised": promised})
        fee_text = text(service.fee.description) + (f"\n{text(service.fee.basis)}" if service.fee.basis else "")
        self._section(_("Fee"), fee_text)
        office = service.office
        floor_and_room = _("Floor %(floor)s, room %(room)s") % {"floor": office.floor, "room": office.room}
        self._section(_("Where to go"), f"{text(office.window)}\n{floor_and_room}\n{text(office.address)}")
        self._section(_("Opening hours"), text(service.hours))
        enquiries, complaints = _("Enquiries"), _("Complaints")
        self._section(_("Phone"), f"{enquiries}: {service.phone}    {complaints}: {service.complaint_phone}")
        self._section(_("Apply online"), service.online_url)
        if service.notes:
            self._section(_("Notes"), text(service.notes))

    def _heading(self, title):
        self.ids.guide.add_widget(Factory.SectionTitle(text=title))

    def _section(self, title, body):
        self._heading(title)
        self.ids.guide.add_widget(Factory.KLabel(text=body))


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
