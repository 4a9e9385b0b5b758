"""The phone pages' Jinja2 environment: autoescape on everywhere, since what they show came from the public."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader

environment = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
                          trim_blocks=True, lstrip_blocks=True)
