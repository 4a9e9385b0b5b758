"""Service guide hub: a search field, and browsing by popularity, department or life event."""

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import ListProperty, OptionProperty
from kivy.uix.behaviors import ToggleButtonBehavior
from kivy.uix.screenmanager import Screen

from screens.icons import DEPARTMENT_ICONS, LIFE_EVENT_ICONS, icon_for
from screens.widgets import GridTile, KioskButton


class TabButton(ToggleButtonBehavior, KioskButton):
    # A tab can be switched to, never switched off by a second press.
    allow_no_selection = False


class GuideScreen(Screen):
    tab = OptionProperty("departments", options=["popular", "departments", "life_events"])
    # Plain data handed over by the guide controller: [(id, name, count)] and RecycleView rows.
    departments = ListProperty()
    life_events = ListProperty()
    popular_rows = ListProperty()

    def on_kv_post(self, _base_widget):
        self.bind(departments=self._fill_departments, life_events=self._fill_life_events)
        # One tab's view is attached at a time: hidden views would still take touches.
        # ids are weak proxies; keep the widgets themselves alive while detached.
        self._views = {
            "departments": self.ids.department_scroll.__self__,
            "life_events": self.ids.life_event_scroll.__self__,
            "popular": self.ids.popular_list.__self__,
        }
        self.on_tab(self, self.tab)

    def on_tab(self, _screen, tab):
        if not hasattr(self, "_views"):
            return
        content = self.ids.tab_content
        content.clear_widgets()
        content.add_widget(self._views[tab])

    def _fill_departments(self, *_args):
        self._fill(self._views["departments"].children[0], self.departments, DEPARTMENT_ICONS, "department")

    def _fill_life_events(self, *_args):
        self._fill(self._views["life_events"].children[0], self.life_events, LIFE_EVENT_ICONS, "life_event")

    def _fill(self, grid, entries, icons, kind):
        app = App.get_running_app()
        grid.clear_widgets()
        for key, name, count in entries:
            tile = GridTile(icon=icon_for(icons, key), title=name, key=key)
            tile.subtitle = app.tr.ngettext("%d service", "%d services", count) % count
            tile.bind(on_release=lambda widget: app.guide.open_service_list(kind, widget.key))
            grid.add_widget(tile)

    def reset(self):
        self.tab = "departments"
        for view in self._views.values():
            view.scroll_y = 1


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
