"""Acknowledging from the notification, on the in-memory fakes: every alert notification
written gets a link of its own; using it acknowledges the alert as the API does (the
escalation stops), recording the channel and the recipient; a used, expired, stale or
forged link, or a wrong code, changes nothing."""

from __future__ import annotations

import pytest

from cuiot.adapters.notifications.log import printable_body
from cuiot.application.safety.commands.ack_links import (
    AcknowledgeByLink,
    AcknowledgeByLinkCommand,
    AcknowledgeBySms,
    AcknowledgeBySmsCommand,
)
from cuiot.application.safety.commands.alerts import AcknowledgeAlert, AlertCommand
from cuiot.application.safety.ports import AckLinkSource
from cuiot.domain.ack_links import AckLinkRefused, LinkState
from cuiot.domain.alerts import AlertStatus
from cuiot.domain.auth import hash_token
from cuiot.domain.errors import NotFound
from cuiot.domain.notifications import Channel, Notification
from cuiot.domain.sensor_events import Severity
from cuiot.entrypoints.container import build_container, dispose_engines
from cuiot.entrypoints.settings import Settings
from tests.fakes.system import SeededRandomSource
from tests.support.alerts import BP_CRITICAL, SafetyBench

PUBLIC = "https://cuiot.example.com"
BP_HIGH = {"systolic": 150, "diastolic": 95, "pulse": 80}


class RepeatingCodes(SeededRandomSource):
    """Secrets as usual, but codes from a script: a collision on demand."""

    def __init__(self, *codes: str) -> None:
        super().__init__(5)
        self.codes = list(codes)

    def choose(self, alphabet: str, length: int) -> str:
        return self.codes.pop(0) if self.codes else super().choose(alphabet, length)


@pytest.fixture
def bench() -> SafetyBench:
    bench = SafetyBench()
    bench.uow.links = AckLinkSource(SeededRandomSource(3), PUBLIC)
    return bench


@pytest.fixture
def family(bench: SafetyBench):
    """Ana represents Rosa (level 1); Bruno is a member (level 2); Fer and Gus are
    emergency contacts, with a phone (level 3)."""
    ana, bruno = bench.user("Ana"), bench.user("Bruno")
    person = bench.person(ana, "Rosa", member_ids={bruno.id})
    bench.representative(person, ana)
    bench.contact(person, "Fer", email="fer@example.com", phone="+54 11 5555-0001")
    bench.contact(person, "Gus", phone="+54 11 5555-0002")
    return person, ana, bruno


def token_of(notice: Notification) -> str:
    token = notice.payload["token"]
    assert notice.payload["ack_url"] == f"{PUBLIC}/ack/{token}" in notice.body
    return token


async def opened(bench: SafetyBench, person, data=BP_CRITICAL) -> Notification:
    await bench.reading(await bench.device(person), data)
    (notice,) = bench.notifications(level=1)
    return notice


async def climb(bench: SafetyBench, to_level: int) -> None:
    while bench.alert().escalation_level < to_level:
        bench.advance(minutes=2)
        await bench.escalate()


async def by_link(bench: SafetyBench, token: str):
    return await bench.call(AcknowledgeByLink, AcknowledgeByLinkCommand(token))


async def test_each_notification_gets_a_link_of_its_own_kept_as_a_hash(bench, family):
    person, _, _ = family
    await opened(bench, person)
    await climb(bench, 3)
    notices = bench.notifications()
    tokens = [token_of(n) for n in notices]
    assert len(set(tokens)) == len(notices) == 1 + 2 + 3  # Ana; Ana, Bruno; Fer twice, Gus
    links = list(bench.store.ack_links.all())
    assert {link.token_hash for link in links} == {hash_token(t) for t in tokens}
    assert {(link.channel, link.recipient, link.escalation_level) for link in links} == {
        (n.channel, n.address, n.escalation_level) for n in notices}
    assert not any(t in str(vars(link)) for link in links for t in tokens)
    sms = [n for n in notices if n.channel is Channel.SMS]
    assert len(sms) == 2 and all(f"con el código {n.payload['code']}." in n.body for n in sms)


async def test_the_link_acknowledges_as_the_api_does_and_the_escalation_stops(bench, family):
    person, ana, _ = family
    notice = await opened(bench, person)
    alert = await by_link(bench, token_of(notice))
    assert (alert.status, alert.acknowledged_by, alert.next_escalation_at) == (
        AlertStatus.ACKNOWLEDGED, ana.id, None)
    assert (alert.acknowledged_via, alert.acknowledged_recipient) == ("email", notice.address)
    assert [type(e).__name__ for e in bench.publisher.published][-1] == "AlertAcknowledged"
    bench.advance(minutes=30)
    assert await bench.escalate() == 0 and bench.notifications(level=2) == []


async def test_a_used_stale_or_forged_link_changes_nothing(bench, family):
    person, ana, _ = family
    first = await opened(bench, person)
    await climb(bench, 2)
    with pytest.raises(AckLinkRefused) as expired:
        await by_link(bench, token_of(first))
    assert expired.value.state is LinkState.EXPIRED
    with pytest.raises(NotFound):
        await by_link(bench, "forged-" + token_of(first))
    assert bench.alert().acknowledged_at is None
    second = next(n for n in bench.notifications(level=2) if n.recipient_user_id == ana.id)
    await by_link(bench, token_of(second))
    with pytest.raises(AckLinkRefused) as used:
        await by_link(bench, token_of(second))
    assert used.value.state is LinkState.USED
    assert bench.alert().acknowledged_at == bench.clock.now()


async def test_an_alert_acknowledged_in_cuiot_ends_its_links(bench, family):
    person, ana, _ = family
    notice = await opened(bench, person)
    await bench.call(AcknowledgeAlert, AlertCommand(ana.id, bench.alert().id))
    with pytest.raises(AckLinkRefused) as handled:
        await by_link(bench, token_of(notice))
    assert handled.value.state is LinkState.HANDLED
    assert bench.alert().acknowledged_via is None


async def test_a_reopened_alert_takes_only_the_new_round_s_link(bench, family):
    person, ana, _ = family
    device = await bench.device(person)
    await bench.reading(device, BP_HIGH)
    (old,) = bench.notifications(level=1)
    await bench.call(AcknowledgeAlert, AlertCommand(ana.id, bench.alert().id))
    bench.advance(minutes=1)
    await bench.reading(device, BP_CRITICAL)  # worse: the ladder starts again
    new = next(n for n in bench.notifications(level=1) if n.id != old.id)
    assert bench.alert().severity is Severity.CRITICAL
    with pytest.raises(AckLinkRefused) as stale:
        await by_link(bench, token_of(old))
    assert stale.value.state is LinkState.EXPIRED
    assert (await by_link(bench, token_of(new))).status is AlertStatus.ACKNOWLEDGED


async def test_a_recipient_who_lost_access_is_refused(bench, family):
    person, _, bruno = family
    await opened(bench, person)
    await climb(bench, 2)
    (notice,) = [n for n in bench.notifications(level=2) if n.recipient_user_id == bruno.id]
    bench.fresh(person).member_ids.discard(bruno.id)
    with pytest.raises(NotFound):
        await by_link(bench, token_of(notice))
    assert bench.alert().acknowledged_at is None


async def test_an_sms_reply_with_the_code_acknowledges_for_its_sender(bench, family):
    person, _, _ = family
    await opened(bench, person)
    await climb(bench, 3)
    fer = next(n for n in bench.notifications(level=3) if n.address == "+54 11 5555-0001")
    gus = next(n for n in bench.notifications(level=3) if n.address == "+54 11 5555-0002")
    assert gus.payload["code"]
    for sender, text in ((gus.address, fer.payload["code"]),  # Fer's code, not Gus's
                         ("+5491100000000", fer.payload["code"]), (fer.address, "hola")):
        with pytest.raises(NotFound):
            await bench.call(AcknowledgeBySms, AcknowledgeBySmsCommand(sender, text))
    assert bench.alert().acknowledged_at is None
    alert = await bench.call(AcknowledgeBySms, AcknowledgeBySmsCommand(
        "+541155550001", f" {fer.payload['code']}\n"))
    assert (alert.status, alert.acknowledged_by, alert.acknowledged_via,
            alert.acknowledged_recipient) == (AlertStatus.ACKNOWLEDGED, None, "sms",
                                              "+541155550001")
    with pytest.raises(NotFound):  # used: no open link has that code any more
        await bench.call(AcknowledgeBySms, AcknowledgeBySmsCommand(
            "+541155550001", fer.payload["code"]))


async def test_a_phone_s_open_links_never_share_a_code(bench, family):
    person, _, _ = family
    bench.uow.links = AckLinkSource(RepeatingCodes("111111", "222222", "111111", "111111",
                                                   "333333"), PUBLIC)
    for _ in range(2):  # two alerts, told to level 3 together: Fer and Gus get two SMS each
        await bench.reading(await bench.device(person), BP_CRITICAL)
    for _ in range(2):
        bench.advance(minutes=2)
        await bench.escalate()
    codes = [(n.address, n.payload["code"]) for n in bench.notifications()
             if n.channel is Channel.SMS]
    fer = [code for phone, code in codes if phone == "+54 11 5555-0001"]
    gus = [code for phone, code in codes if phone == "+54 11 5555-0002"]
    assert fer == ["111111", "333333"]  # 111111 again (twice) was taken: drawn anew
    assert gus[0] == "222222" and len(set(gus)) == 2


async def test_the_log_never_shows_a_link_s_secret_or_code(bench, family):
    person, _, _ = family
    await opened(bench, person)
    await climb(bench, 3)
    for notice in bench.notifications():
        shown = printable_body(notice)
        assert notice.payload["token"] not in shown and "[redacted]" in shown
        if notice.channel is Channel.SMS:
            assert f"código {notice.payload['code']}" not in shown


async def test_every_unit_of_work_the_container_makes_gives_links(tmp_path):
    """The API, the MQTT consumer, the scheduler and the CLI all take theirs from here."""
    container = build_container(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/c.db",
                                         public_url="https://cuiot.example.com/"))
    try:
        links = container.uow().links
        assert links is not None and links.public_url == "https://cuiot.example.com"
        assert len(links.rng.token()) >= 43  # 32 random bytes
    finally:
        await dispose_engines(container)
