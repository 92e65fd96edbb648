"""Ids a person types: whole, or the first characters of one, refused when they name
no row or several."""

from __future__ import annotations

from uuid import UUID

import pytest

from cuiot.application.shared.id_prefixes import ExpandId, IdKind, prefix_range
from cuiot.domain.errors import NotFound, ValidationFailed

ALERT = UUID("1a977b3c-0000-4000-8000-000000000001")
TWINS = (UUID("beef0001-0000-4000-8000-000000000001"),
         UUID("beef0002-0000-4000-8000-000000000002"))


class DictIdPrefixes:
    """``IdPrefixes`` over a dict of ids by kind, and what it was asked."""

    def __init__(self, ids: dict[IdKind, list[UUID]]) -> None:
        self.ids, self.asked = ids, 0

    async def between(self, kind: IdKind, low: UUID, high: UUID) -> list[UUID]:
        self.asked += 1
        return sorted(i for i in self.ids.get(kind, []) if low <= i <= high)[:2]


@pytest.fixture
def expand() -> ExpandId:
    return ExpandId(DictIdPrefixes({IdKind.ALERT: [ALERT, *TWINS]}))


def test_a_prefix_is_the_range_of_ids_starting_with_it():
    low, high = prefix_range("1A97-7b")
    assert str(low) == "1a977b00-0000-0000-0000-000000000000"
    assert str(high) == "1a977bff-ffff-ffff-ffff-ffffffffffff"


@pytest.mark.parametrize("text", ["1a9", "xyz12", "", "1a977b3c-0000-4000-8000-0000000000011"])
def test_too_short_too_long_or_not_hex_is_refused(text):
    with pytest.raises(ValidationFailed):
        prefix_range(text)


async def test_a_unique_prefix_names_its_id(expand):
    assert await expand(IdKind.ALERT, "1a977b") == ALERT
    assert await expand(IdKind.ALERT, "BEEF0002") == TWINS[1]


async def test_a_whole_id_is_taken_as_given_without_a_lookup():
    prefixes = DictIdPrefixes({})
    assert await ExpandId(prefixes)(IdKind.ALERT, str(ALERT)) == ALERT
    assert prefixes.asked == 0


async def test_a_prefix_of_several_ids_is_refused(expand):
    with pytest.raises(ValidationFailed, match="several alerts start with 'beef'"):
        await expand(IdKind.ALERT, "beef")


async def test_a_prefix_of_no_id_of_that_kind_is_not_found(expand):
    with pytest.raises(NotFound):
        await expand(IdKind.ALERT, "0bad")
    with pytest.raises(NotFound):
        await expand(IdKind.USER, "1a977b")
