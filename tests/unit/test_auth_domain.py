"""Refresh-token families and password resets, built directly."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from cuiot.domain.auth import PasswordReset, RefreshTokenFamily, RevokeReason, hash_token
from cuiot.domain.errors import Unauthenticated
from cuiot.domain.policy import DEFAULT_POLICY, Policy

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


def a_family() -> RefreshTokenFamily:
    return RefreshTokenFamily(id=UUID(int=1), user_id=UUID(int=2), current_jti="jti-1",
                              current_expires_at=NOW + WEEK, created_at=NOW)


def test_rotation_spends_the_current_token_for_the_next() -> None:
    family = a_family()
    later = NOW + timedelta(hours=1)
    family.rotate("jti-1", "jti-2", later + WEEK, later)
    assert (family.current_jti, family.current_expires_at) == ("jti-2", later + WEEK)
    assert family.last_used_at == later and not family.is_revoked


def test_a_spent_token_presented_again_revokes_the_family() -> None:
    family = a_family()
    family.rotate("jti-1", "jti-2", NOW + WEEK, NOW)
    with pytest.raises(Unauthenticated) as caught:
        family.rotate("jti-1", "jti-3", NOW + WEEK, NOW + timedelta(minutes=1))
    assert caught.value.details["reason"] == "reused"
    assert family.revoked_at == NOW + timedelta(minutes=1)
    assert family.revoke_reason is RevokeReason.REUSE
    assert family.current_jti == "jti-2"  # the thief's token is not installed


def test_a_revoked_family_refuses_even_its_current_token() -> None:
    family = a_family()
    family.revoke(NOW, RevokeReason.LOGOUT)
    with pytest.raises(Unauthenticated) as caught:
        family.rotate("jti-1", "jti-2", NOW + WEEK, NOW)
    assert caught.value.details["reason"] == "revoked"
    assert family.current_jti == "jti-1"


def test_an_expired_family_refuses_to_rotate() -> None:
    family = a_family()
    with pytest.raises(Unauthenticated) as caught:
        family.rotate("jti-1", "jti-2", NOW + 2 * WEEK, NOW + WEEK)
    assert caught.value.details["reason"] == "expired"


def test_revoking_twice_keeps_the_first_reason() -> None:
    family = a_family()
    assert family.revoke(NOW, RevokeReason.LOGOUT) is True
    assert family.revoke(NOW + WEEK, RevokeReason.REUSE) is False
    assert (family.revoked_at, family.revoke_reason) == (NOW, RevokeReason.LOGOUT)


@pytest.mark.parametrize(("at", "active"), [
    (NOW, True), (NOW + WEEK - timedelta(seconds=1), True), (NOW + WEEK, False)])
def test_a_family_is_active_until_its_current_token_expires(at: datetime, active: bool) -> None:
    assert a_family().is_active(at) is active


def test_a_reset_keeps_only_the_sha256_of_its_secret_and_lasts_30_minutes() -> None:
    reset = PasswordReset.issue(UUID(int=1), UUID(int=2), "s3cret", NOW, DEFAULT_POLICY)
    assert reset.token_hash == hashlib.sha256(b"s3cret").hexdigest() == hash_token("s3cret")
    assert "s3cret" not in repr(reset)
    assert reset.expires_at == NOW + timedelta(minutes=30)


def test_the_reset_lifetime_comes_from_the_policy() -> None:
    reset = PasswordReset.issue(UUID(int=1), UUID(int=2), "t", NOW,
                                Policy(password_reset_minutes=5))
    assert reset.expires_at == NOW + timedelta(minutes=5)


@pytest.mark.parametrize(("after", "accepted"), [
    (timedelta(0), True), (timedelta(minutes=29, seconds=59), True),
    (timedelta(minutes=30), False), (timedelta(hours=2), False)])
def test_a_reset_is_refused_from_its_expiry_on(after: timedelta, accepted: bool) -> None:
    reset = PasswordReset.issue(UUID(int=1), UUID(int=2), "t", NOW, DEFAULT_POLICY)
    if accepted:
        reset.use(NOW + after)
        assert reset.used_at == NOW + after
    else:
        with pytest.raises(Unauthenticated) as caught:
            reset.use(NOW + after)
        assert caught.value.details["reason"] == "expired" and reset.used_at is None


def test_a_reset_works_once() -> None:
    reset = PasswordReset.issue(UUID(int=1), UUID(int=2), "t", NOW, DEFAULT_POLICY)
    reset.use(NOW)
    with pytest.raises(Unauthenticated) as caught:
        reset.use(NOW + timedelta(minutes=1))
    assert caught.value.details["reason"] == "used" and reset.used_at == NOW
