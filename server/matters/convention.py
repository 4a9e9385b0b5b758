"""The building convention (富力共识): versions, each a whole new text; the newest is in force and goes to the
terminals with the matters board."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.audit.log import audit
from server.core.clock import utcnow
from server.matters.matters import MatterRefused, text_field
from server.matters.models import ConventionVersion

TITLE_MAX = 80
PREAMBLE_MAX = 2000
ITEM_TITLE_MAX = 40
ITEM_TEXT_MAX = 400
MAX_ITEMS = 40
COMMENT_MAX = 200
# "公共安全：……" — the item's title before the first colon, its text after.
_COLONS = ("：", ":")


def current(db: Session) -> ConventionVersion | None:
    return db.scalar(select(ConventionVersion).order_by(ConventionVersion.id.desc()).limit(1))


def versions(db: Session) -> list[ConventionVersion]:
    return list(db.scalars(select(ConventionVersion).order_by(ConventionVersion.id.desc())))


def parse_items(text: str) -> list[dict[str, str]]:
    """One item a line, "title：text" (a line without a colon is a title alone); blank lines skipped."""
    items = []
    for line in text_field(text, "items", MAX_ITEMS * (ITEM_TITLE_MAX + ITEM_TEXT_MAX + 2)).splitlines():
        line = line.strip()
        if not line:
            continue
        cut = min((line.find(colon) for colon in _COLONS if colon in line), default=-1)
        title, body = (line[:cut].strip(), line[cut + 1:].strip()) if cut > 0 else (line, "")
        if len(title) > ITEM_TITLE_MAX or len(body) > ITEM_TEXT_MAX:
            raise MatterRefused("items", "An item is too long.")
        items.append({"title": title, "text": body})
    if len(items) > MAX_ITEMS:
        raise MatterRefused("items", "Too many items.")
    return items


def items_text(version: ConventionVersion | None) -> str:
    """The items as the edit form shows them, one a line."""
    if version is None:
        return ""
    return "\n".join(f"{item['title']}：{item['text']}" if item["text"] else item["title"] for item in version.items)


def save(db: Session, *, title: str, preamble: str, items: str, comment: str, actor: str) -> ConventionVersion:
    version = ConventionVersion(
        title=text_field(title, "title", TITLE_MAX), preamble=text_field(preamble, "preamble", PREAMBLE_MAX,
                                                                         required=False),
        items=parse_items(items), comment=text_field(comment, "comment", COMMENT_MAX, required=False), author=actor,
        created_at=utcnow())
    db.add(version)
    db.flush()
    audit(db, actor, "matters.convention", f"convention {version.id}", title=version.title,
          items=len(version.items), comment=version.comment)
    return version
