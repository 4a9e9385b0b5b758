"""Search as you type from the on-screen keyboard; an empty result offers the browse views."""

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ListProperty, ObjectProperty, StringProperty
from kivy.uix.screenmanager import Screen

MAX_QUERY_LENGTH = 40


class SearchScreen(Screen):
    query = StringProperty("")
    rows = ListProperty()
    # Called with the query whenever it changes; the App answers by setting ``rows``.
    on_query_changed = ObjectProperty(None)
    # False while the search index is still being built: results come when it is, no "nothing found".
    ready = BooleanProperty(True)

    def on_kv_post(self, _base_widget):
        # Attached only when nothing matches: a hidden panel would still take touches.
        self._no_results = self.ids.no_results.__self__  # ids are weak proxies
        self._no_results.parent.remove_widget(self._no_results)
        self.bind(query=self._show_empty_state, rows=self._show_empty_state, ready=self._show_empty_state)

    def _show_empty_state(self, *_args):
        empty = self.ready and bool(self.query) and not self.rows
        attached = self._no_results.parent is not None
        if empty and not attached:
            self.ids.results.parent.add_widget(self._no_results)
        elif attached and not empty:
            self._no_results.parent.remove_widget(self._no_results)

    def type_text(self, text):
        if len(self.query) < MAX_QUERY_LENGTH:
            self.query += text

    def backspace(self):
        self.query = self.query[:-1]

    def clear(self):
        self.query = ""

    def on_query(self, _screen, query):
        if self.on_query_changed is not None:
            self.on_query_changed(query)
        self.ids.results.scroll_y = 1

    def reset(self):
        self.query = ""
        self.rows = []


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
