"""Micro-wishes (server/wishes) straight against the database: a kiosk's micro-wish becomes a wish to review that
its feedback item follows; the public wording refuses phone and ID numbers; exactly one of several simultaneous
claims wins (SQLite and PostgreSQL); release drops the claimant's data; the wall and its counts; the photo is
re-encoded without EXIF."""

from __future__ import annotations

import io
import threading
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import select

from server.core.clock import utcnow
from server.fleet.models import AuditEntry, FeedbackItem
from server.volunteers.seed import create_centre_teams
from server.wishes import photos, wall, wishes
from server.wishes.models import Wish
from tests.server.domain.builders import ACTOR, BOTH_DIALECTS, feedback, receive, terminal

ZONE = ZoneInfo("Asia/Shanghai")


def _published(db, settings, title: str = "阅读角需要一批新书") -> Wish:
    wish, _code = wishes.post(db, settings, "想给 T3 楼阅读角添些书，我的电话 13800138000", "13800138000", "console",
                              ACTOR)
    wishes.publish(db, wish, title, "T3 楼阅读角", ACTOR)
    db.commit()
    return wish


def test_a_kiosk_micro_wish_becomes_a_wish_to_review_that_its_feedback_item_follows(db, settings):
    teams = create_centre_teams(db)
    sent = feedback("micro_wish", text="希望有人周五帮我修一下自行车")
    receive(db, terminal(db), sent, feedback("repair"), feedback("micro_wish", text="重复", suppressed="repeat"))
    db.commit()
    found = db.scalars(select(Wish)).all()
    assert [(w.source, w.status, w.text, w.tracking_number) for w in found] == [
        ("kiosk", "review", "希望有人周五帮我修一下自行车", sent["payload"]["tracking_number"])]
    wish = found[0]
    # The poster's check code from the kiosk's receipt opens the wish's status too; a wrong one does not.
    assert wishes.find_for_status(db, settings, wish.tracking_number, sent["payload"]["check_code"]) is wish
    assert wishes.find_for_status(db, settings, wish.tracking_number, "000000") is None

    wishes.publish(db, wish, "周五修自行车", "T2 楼一位职工", ACTOR)
    token = wishes.claim(db, wish.id, "王志愿", "13912345678", teams[3].id)
    item = db.get(FeedbackItem, wish.feedback_item_id)
    assert (item.status, wish.status) == ("in_progress", "claimed")
    wishes.fulfil(db, wishes.by_claim_token(db, token), "周五中午已修好", "claimant")
    db.commit()
    assert (item.status, item.public_reply) == ("resolved", "心愿已实现，感谢志愿者！")
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.target == f"wish {wish.id}")).all()
    assert actions == ["wish.post", "wish.publish", "wish.claim", "wish.fulfil"]


@pytest.mark.parametrize("wording", ["请联系 138 0013 8000", "电话0451-87654321", "身份证 23010219900101123X",
                                     "写信给 someone@example.com"])
def test_the_public_wording_refuses_phone_id_numbers_and_addresses(db, settings, wording):
    wish, _code = wishes.post(db, settings, "想要一盏台灯", "", "phone", "public")
    with pytest.raises(wishes.WishRefused) as refused:
        wishes.publish(db, wish, wording, "", ACTOR)
    assert refused.value.field == "title"
    assert wish.status == "review"
    with pytest.raises(wishes.WishRefused):
        wishes.publish(db, wish, "一盏台灯", wording, ACTOR)


def test_a_rejected_wish_needs_a_reason_and_never_reaches_the_wall(db, settings):
    wish, _code = wishes.post(db, settings, "想要一台游戏机", "", "phone", "public")
    with pytest.raises(wishes.WishRefused):
        wishes.reject(db, wish, "  ", ACTOR)
    wishes.reject(db, wish, "不属于微心愿的范围", ACTOR)
    db.commit()
    with pytest.raises(wishes.WishRefused):
        wishes.publish(db, wish, "游戏机", "", ACTOR)
    assert wall.wall(db, utcnow(), ZONE).cards == []


@BOTH_DIALECTS
def test_of_simultaneous_claims_exactly_one_wins(db, sessions, settings):
    team = create_centre_teams(db)[0]
    wish = _published(db, settings)
    start, results = threading.Barrier(6), []

    def claim(n: int) -> None:
        with sessions() as own:
            start.wait()
            try:
                results.append(wishes.claim(own, wish.id, f"志愿者{n}", f"1391234567{n}", team.id))
                own.commit()
            except wishes.WishTaken:
                own.rollback()
                results.append(None)

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [token for token in results if token]
    assert len(results) == 6 and len(winners) == 1
    db.expire_all()
    claimed = db.get(Wish, wish.id)
    assert claimed.status == "claimed" and wishes.by_claim_token(db, winners[0]).id == wish.id
    assert db.scalar(select(AuditEntry.id).where(AuditEntry.action == "wish.claim")) is not None


def test_release_drops_the_claimant_and_overdue_counts_from_the_claim(db, settings):
    team = create_centre_teams(db)[1]
    wish = _published(db, settings)
    token = wishes.claim(db, wish.id, "李四", "13712345678", team.id)
    db.commit()
    later = utcnow() + timedelta(days=8)
    assert wishes.is_overdue(wish, later, 7) and not wishes.is_overdue(wish, utcnow(), 7)
    wishes.release(db, wishes.by_claim_token(db, token), "claimant")
    db.commit()
    assert (wish.status, wish.claim_name, wish.claim_phone, wish.claim_team_id) == ("open", None, None, None)
    assert wishes.by_claim_token(db, token) is None
    assert not wishes.is_overdue(wish, later, 7)


def test_the_wall_shows_only_public_wording_open_first_with_this_years_counts(db, settings):
    teams = create_centre_teams(db)
    fulfilled, claimed, opened = (_published(db, settings, title) for title in ("自行车打气筒", "旧书", "一盆绿萝"))
    wishes.post(db, settings, "还在审核的心愿", "", "phone", "public")
    wishes.fulfil(db, wishes.by_claim_token(db, wishes.claim(db, fulfilled.id, "甲", "13800000001", teams[0].id)),
                  "已送到", "claimant")
    wishes.claim(db, claimed.id, "乙", "13800000002", teams[5].id)
    db.commit()
    shown = wall.wall(db, utcnow(), ZONE)
    assert [(card.title, card.status) for card in shown.cards] == [
        ("一盆绿萝", "open"), ("旧书", "claimed"), ("自行车打气筒", "fulfilled")]
    assert shown.cards[1].team.zh == "江湾日行一善志愿服务队" and shown.cards[0].team is None
    assert (shown.counts.posted, shown.counts.claimed, shown.counts.fulfilled) == (3, 2, 1)
    text = shown.model_dump_json()
    assert "13800138000" not in text and "乙" not in text and opened.text not in text
    assert wall.etag(db, utcnow(), ZONE) == shown.etag


def test_a_photo_is_re_encoded_without_its_exif_and_scaled_down():
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x013B] = "张三 13800138000"  # Artist
    original = io.BytesIO()
    Image.new("RGB", (3000, 2000), "orange").save(original, "JPEG", exif=exif)
    jpeg, width, height = photos.reencoded(original.getvalue())
    with Image.open(io.BytesIO(jpeg)) as cleaned:
        assert cleaned.format == "JPEG" and not cleaned.getexif() and "exif" not in cleaned.info
    assert (width, height) == (1600, 1067)
    with pytest.raises(photos.PhotoRefused, match="not_an_image"):
        photos.reencoded(b"<svg onload=alert(1)>")
    with pytest.raises(photos.PhotoRefused, match="too_large"):
        photos.reencoded(b"\xff" * (photos.MAX_UPLOAD_BYTES + 1))
