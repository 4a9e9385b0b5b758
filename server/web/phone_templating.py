"""The phone pages' Jinja2 environment: autoescape on everywhere, since what they show came from the public."""

from __future__ import annotations

from jinja2 import Environment

from server.web.template_folders import loader

environment = Environment(loader=loader("public"), autoescape=True,
                          trim_blocks=True, lstrip_blocks=True)
