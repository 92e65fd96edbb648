"""How the CLI writes: instants as the HTTP API does, pages with their paging, ids cut
only as far as they stay apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter

from cuiot.application.shared.queries import Window
from cuiot.entrypoints.cli.output import Page, local_time, plain, prefix_length

AT = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


def test_json_writes_an_instant_as_the_http_api_does():
    buenos_aires = AT.astimezone(timezone(timedelta(hours=-3)))
    assert plain({"at": buenos_aires}) == {"at": "2026-12-04T10:00:00Z"}
    http = TypeAdapter(datetime)
    for value in (AT, AT.replace(microsecond=123456), buenos_aires):
        assert plain(value) == http.dump_python(value.astimezone(UTC), mode="json")


def test_a_table_shows_local_time_in_the_zone_it_names():
    assert local_time(AT, ZoneInfo("America/Argentina/Buenos_Aires")) == "2026-12-04 07:00"


def test_a_page_knows_whether_another_follows():
    rows = [{"n": n} for n in range(3)]
    assert Page.of(rows, Window(4, 2)) == Page(rows[:2], 4, 2, 6)
    assert Page.of(rows[:2], Window(4, 2)) == Page(rows[:2], 4, 2, None)
    assert plain(Page.of([], Window(0, 50))) == {
        "items": [], "offset": 0, "limit": 50, "next_offset": None}


def test_ids_are_cut_to_eight_digits_unless_two_would_clash():
    apart = [UUID(int=1 << 124), UUID(int=2 << 124)]
    assert prefix_length(apart) == 8
    clash = [UUID("1a977b3c-0000-4000-8000-000000000001"),
             UUID("1a977b3c-9000-4000-8000-000000000001")]
    assert prefix_length(clash) == 9
