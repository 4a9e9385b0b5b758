"""What a domain hands the app: its routers, grouped by how main.py mounts them."""

from __future__ import annotations

from typing import NamedTuple

from fastapi import APIRouter


class DomainRouters(NamedTuple):
    # Under /api/v1, authenticated (if at all) in each endpoint's first dependency: enrolment, sign-in, terminals.
    open: tuple[APIRouter, ...] = ()
    # Under /api/v1, behind the staff token, checked before any path lookup.
    staff: tuple[APIRouter, ...] = ()
    # Under /console, the signed-in pages.
    console: tuple[APIRouter, ...] = ()
    # Pages for the public (phones), no login.
    public: tuple[APIRouter, ...] = ()
