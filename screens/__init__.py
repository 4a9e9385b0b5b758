"""The shared screen kit: the root layout, home, the full-window notice, common widgets, icons and the
on-screen keyboard, each a Python + .kv pair. No I/O here: they show what the App hands them. A feature's
own screens live with its controller in kiosk/<feature>/."""
