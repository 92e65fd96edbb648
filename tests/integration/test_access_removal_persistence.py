"""Access taken back, stored, on SQLite and PostgreSQL: what a removal finds to stop (the
user's notifications still queued about the person's alerts, their acknowledgement
links still open), what it writes (an ended representation, its journal row), and
migration 0014 going down and up again."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import pytest
from sqlalchemy import text

from cuiot.adapters.persistence.database import create_engine
from cuiot.adapters.persistence.migrate import upgrade
from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.domain.ack_links import AckLink
from cuiot.domain.care import LegalRepresentation, Relationship
from cuiot.domain.notifications import Channel, DeliveryStatus
from tests.integration.test_caregiver_consent import downgrade, own_database  # noqa: F401
from tests.integration.test_safety_persistence import (
    NOW,
    a_device,
    a_notification,
    a_person,
    a_user,
    an_alert,
    store,
)
from tests.support.databases import in_thread


async def test_only_the_users_queued_notifications_about_those_persons_are_found(sql_uow):
    ana, bruno = a_user("Ana"), a_user("Bruno")
    elena, julio = a_person(ana), a_person(ana, "Julio")
    on_elena, on_julio = a_device(elena, "bp-e"), a_device(julio, "bp-j")
    alert, other = an_alert(on_elena), an_alert(on_julio)
    queued = a_notification(alert, recipient_user_id=bruno.id)
    sent = a_notification(alert, recipient_user_id=bruno.id, status=DeliveryStatus.SENT,
                          sent_at=NOW)
    for_ana = a_notification(alert, recipient_user_id=ana.id)
    about_julio = a_notification(other, recipient_user_id=bruno.id)
    await store(sql_uow, ana, bruno, elena, julio, on_elena, on_julio, alert, other, queued,
                sent, for_ana, about_julio)
    async with sql_uow() as uow:
        found = await uow.notifications.list_queued_about(bruno.id, [elena.id])
        assert [n.id for n in found] == [queued.id]
        both = await uow.notifications.list_queued_about(bruno.id, [elena.id, julio.id])
        assert {n.id for n in both} == {queued.id, about_julio.id}


def a_link(alert, user, **changes) -> AckLink:
    made = AckLink.issue(id=uuid4(), alert=alert, channel=Channel.EMAIL,
                         recipient=str(user.email), user_id=user.id, token=uuid4().hex,
                         code=None, now=NOW)
    vars(made).update(changes)
    return made


async def test_only_the_users_open_links_to_open_alerts_of_those_persons_are_found(sql_uow):
    ana, bruno = a_user("Ana"), a_user("Bruno")
    elena = a_person(ana)
    device = a_device(elena)
    alert, handled = an_alert(device), an_alert(device, alert_type="fall")
    handled.acknowledge(ana.id, NOW)
    open_link = a_link(alert, bruno)
    others = [a_link(alert, ana), a_link(handled, bruno), a_link(alert, bruno, used_at=NOW),
              a_link(alert, bruno, expires_at=NOW)]
    await store(sql_uow, ana, bruno, elena, device, alert, handled)
    async with sql_uow() as uow:
        for made in (open_link, *others):
            await uow.ack_links.add(made)
        await uow.commit()
    async with sql_uow() as uow:
        found = await uow.ack_links.list_open_about(bruno.id, [elena.id],
                                                    NOW + timedelta(seconds=1))
        assert [k.id for k in found] == [open_link.id]


async def test_an_ended_representation_is_stored_as_ended(sql_uow):
    ana, marta = a_user("Ana"), a_user("Marta")
    elena = a_person(ana)
    rep = LegalRepresentation(uuid4(), elena.id, marta.id, Relationship.CHILD, "poder 1",
                              date(2025, 1, 1), NOW, verified=True)
    await store(sql_uow, ana, marta, elena)
    async with sql_uow() as uow:
        await uow.representations.add(rep)
        await uow.commit()
    async with sql_uow() as uow:
        (await uow.representations.get(rep.id)).end(ana.id, NOW)
        await uow.commit()
    async with sql_uow() as uow:
        stored = await uow.representations.get(rep.id)
        assert (stored.ended_at, stored.ended_by) == (NOW, ana.id)
        assert not stored.is_active(NOW.date())


async def test_0014_goes_down_only_while_no_representation_has_ended(own_database):
    ana, marta = a_user("Ana"), a_user("Marta")
    elena = a_person(ana)
    kept = LegalRepresentation(uuid4(), elena.id, marta.id, Relationship.CHILD, "poder 1",
                               date(2025, 1, 1), NOW, verified=True)
    engine = create_engine(own_database)
    try:
        await store(lambda: SqlAlchemyUnitOfWork(engine), ana, marta, elena)
        async with SqlAlchemyUnitOfWork(engine) as uow:
            await uow.representations.add(kept)
            await uow.commit()
        await engine.dispose()
        in_thread(downgrade, own_database, "0013")  # nothing ended: down it goes
        async with engine.connect() as conn:
            assert (await conn.execute(text(
                "SELECT count(*) FROM legal_representations"))).scalar_one() == 1
        await engine.dispose()
        in_thread(upgrade, own_database)
        async with SqlAlchemyUnitOfWork(engine) as uow:
            (await uow.representations.get(kept.id)).end(ana.id, NOW)
            await uow.commit()
        await engine.dispose()
        with pytest.raises(RuntimeError, match="have ended"):
            in_thread(downgrade, own_database, "0013")
    finally:
        await engine.dispose()
