"""The catalogue terminals get: stored versions (the newest is current), import and the bundled seed."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.catalogue import parse_catalogue
from common.paths import SAMPLE_CATALOGUE_FILE
from server.audit.log import audit
from server.core import read_cache
from server.core.canonical import canonical_json, etag_of
from server.fleet.models import CatalogueVersion
from server.fleet.schemas import CatalogueInfo


def current(db: Session) -> CatalogueVersion | None:
    return db.scalar(select(CatalogueVersion).order_by(CatalogueVersion.id.desc()).limit(1))


def current_etag(db: Session) -> str:
    """The current catalogue's ETag without loading the document; "" before any import."""
    return read_cache.cached_read(db, "catalogue_etag", (CatalogueVersion.__tablename__,), lambda: db.scalar(
        select(CatalogueVersion.etag).order_by(CatalogueVersion.id.desc()).limit(1)) or "")


def store(db: Session, document: dict, actor: str, source: str) -> CatalogueVersion:
    """Validate and make ``document`` current (raises CatalogueError naming item and field).

    The same document as the current one is not stored again.
    """
    catalogue = parse_catalogue(document, source)
    data = canonical_json(document)
    etag = etag_of(data)
    latest = current(db)
    if latest is not None and latest.etag == etag:
        return latest
    row = CatalogueVersion(
        version=catalogue.version, etag=etag, document=data.decode(), service_count=len(catalogue.services),
        imported_by=actor,
    )
    db.add(row)
    db.flush()
    audit(db, actor, "catalogue.import", f"catalogue:{row.id}", version=catalogue.version, source=source,
          service_count=row.service_count)
    return row


def seed(db: Session) -> CatalogueVersion | None:
    """The bundled sample catalogue, when the server has none yet."""
    if current(db) is not None:
        return None
    document = json.loads(SAMPLE_CATALOGUE_FILE.read_text(encoding="utf-8"))
    return store(db, document, "seed", str(SAMPLE_CATALOGUE_FILE))


def info(row: CatalogueVersion) -> CatalogueInfo:
    return CatalogueInfo(version=row.version, etag=row.etag, service_count=row.service_count,
                         imported_at=row.imported_at, imported_by=row.imported_by)
