"""The PyJWT token issuer against the attacks a bearer token meets."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import jwt
import pytest

from cuiot.adapters.security.jwt_tokens import PyJwtTokenIssuer
from cuiot.application.identity.ports import TokenType
from cuiot.domain.errors import Unauthenticated
from tests.fakes.system import FixedClock
from tests.support.auth import SECRET

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
USER, FAMILY = UUID(int=7), UUID(int=9)


@pytest.fixture
def issuer(clock: FixedClock) -> PyJwtTokenIssuer:
    return PyJwtTokenIssuer(SECRET, clock, access_token_minutes=30, refresh_token_days=7)


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def signed(claims: dict[str, Any], secret: str = SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, secret, algorithm=algorithm)


def refused(issuer: PyJwtTokenIssuer, token: str, kind: TokenType = TokenType.ACCESS) -> str:
    with pytest.raises(Unauthenticated) as caught:
        issuer.decode(token, kind)
    return caught.value.details["reason"]


def test_an_access_token_carries_user_roles_and_lifetime(issuer: PyJwtTokenIssuer) -> None:
    token, jti, expires_at = issuer.issue_access(USER, ["family", "admin"], FAMILY, NOW)
    claims = issuer.decode(token, TokenType.ACCESS)
    assert (claims.user_id, claims.jti, claims.type) == (USER, jti, TokenType.ACCESS)
    assert claims.roles == ("admin", "family") and claims.family_id == FAMILY
    assert claims.issued_at == NOW
    assert claims.expires_at == expires_at == NOW + timedelta(minutes=30)
    assert jwt.get_unverified_header(token)["alg"] == "HS256"


def test_a_refresh_token_names_its_family_and_lasts_7_days(issuer: PyJwtTokenIssuer) -> None:
    token, jti, expires_at = issuer.issue_refresh(USER, FAMILY, NOW)
    claims = issuer.decode(token, TokenType.REFRESH)
    assert (claims.family_id, claims.jti, claims.type) == (FAMILY, jti, TokenType.REFRESH)
    assert expires_at == NOW + timedelta(days=7) and claims_of(token)["fam"] == str(FAMILY)


def test_a_token_without_its_session_is_refused(issuer: PyJwtTokenIssuer) -> None:
    """Made before access tokens named their session, or forged: it could not be ended
    with its session, so it is not accepted."""
    claims = claims_of(issuer.issue_access(USER, [], FAMILY, NOW).token)
    del claims["fam"]
    assert refused(issuer, signed(claims)) == "invalid"


def test_every_token_has_its_own_jti(issuer: PyJwtTokenIssuer) -> None:
    jtis = {issuer.issue_access(USER, [], FAMILY, NOW).jti for _ in range(20)}
    assert len(jtis) == 20


def test_alg_none_crafted_by_hand_is_refused(issuer: PyJwtTokenIssuer) -> None:
    claims = claims_of(issuer.issue_access(USER, ["admin"], FAMILY, NOW).token)
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    assert refused(issuer, unsigned) == "invalid"


def test_alg_none_made_with_pyjwt_is_refused(issuer: PyJwtTokenIssuer) -> None:
    claims = claims_of(issuer.issue_access(USER, ["admin"], FAMILY, NOW).token)
    assert refused(issuer, jwt.encode(claims, None, algorithm="none")) == "invalid"


def test_a_header_claiming_none_over_a_real_signature_is_refused(issuer: PyJwtTokenIssuer) -> None:
    _, payload, signature = issuer.issue_access(USER, [], FAMILY, NOW).token.split(".")
    forged = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}.{signature}"
    assert refused(issuer, forged) == "invalid"


def test_a_token_signed_with_another_secret_is_refused(issuer: PyJwtTokenIssuer) -> None:
    claims = claims_of(issuer.issue_access(USER, ["admin"], FAMILY, NOW).token)
    assert refused(issuer, signed(claims, secret="x" * 40)) == "invalid"


def test_a_tampered_payload_is_refused(issuer: PyJwtTokenIssuer) -> None:
    header, _, signature = issuer.issue_access(USER, ["family"], FAMILY, NOW).token.split(".")
    claims = {**claims_of(issuer.issue_access(USER, ["family"], FAMILY, NOW).token),
              "roles": ["admin"]}
    assert refused(issuer, f"{header}.{_b64(claims)}.{signature}") == "invalid"


def test_another_hmac_algorithm_with_the_right_secret_is_refused(issuer: PyJwtTokenIssuer) -> None:
    claims = claims_of(issuer.issue_access(USER, [], FAMILY, NOW).token)
    assert refused(issuer, signed(claims, algorithm="HS512")) == "invalid"


def test_a_refresh_token_is_not_an_access_token(issuer: PyJwtTokenIssuer) -> None:
    token = issuer.issue_refresh(USER, FAMILY, NOW).token
    assert refused(issuer, token, TokenType.ACCESS) == "wrong_type"


def test_an_access_token_is_not_a_refresh_token(issuer: PyJwtTokenIssuer) -> None:
    token = issuer.issue_access(USER, [], FAMILY, NOW).token
    assert refused(issuer, token, TokenType.REFRESH) == "wrong_type"


@pytest.mark.parametrize(("after", "accepted"), [
    (timedelta(minutes=29, seconds=59), True), (timedelta(minutes=30), False),
    (timedelta(days=1), False)])
def test_an_access_token_dies_at_its_exp(issuer: PyJwtTokenIssuer, clock: FixedClock,
                                         after: timedelta, accepted: bool) -> None:
    token = issuer.issue_access(USER, [], FAMILY, clock.now()).token
    clock.advance(after)
    if accepted:
        assert issuer.decode(token, TokenType.ACCESS).user_id == USER
    else:
        assert refused(issuer, token) == "expired"


def test_a_refresh_token_dies_after_7_days(issuer: PyJwtTokenIssuer, clock: FixedClock) -> None:
    token = issuer.issue_refresh(USER, FAMILY, clock.now()).token
    clock.advance(timedelta(days=7))
    assert refused(issuer, token, TokenType.REFRESH) == "expired"


@pytest.mark.parametrize("missing", ["exp", "iat", "sub", "jti", "type"])
def test_a_token_missing_a_required_claim_is_refused(issuer: PyJwtTokenIssuer,
                                                     missing: str) -> None:
    claims = claims_of(issuer.issue_access(USER, [], FAMILY, NOW).token)
    del claims[missing]
    assert refused(issuer, signed(claims)) == "invalid"


def test_a_refresh_token_without_its_family_is_refused(issuer: PyJwtTokenIssuer) -> None:
    claims = claims_of(issuer.issue_refresh(USER, FAMILY, NOW).token)
    del claims["fam"]
    assert refused(issuer, signed(claims), TokenType.REFRESH) == "invalid"


@pytest.mark.parametrize(("claim", "value"), [
    ("sub", "not-a-uuid"), ("sub", 42), ("jti", ""), ("jti", {"x": 1}), ("roles", "admin"),
    ("roles", [1]), ("exp", "tomorrow"), ("type", "id_token")])
def test_a_signed_token_with_malformed_claims_is_refused(issuer: PyJwtTokenIssuer, claim: str,
                                                         value: Any) -> None:
    claims = {**claims_of(issuer.issue_access(USER, [], FAMILY, NOW).token), claim: value}
    assert refused(issuer, signed(claims)) in {"invalid", "wrong_type"}


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "Bearer x.y.z"])
def test_garbage_is_refused(issuer: PyJwtTokenIssuer, garbage: str) -> None:
    assert refused(issuer, garbage) == "invalid"


def test_a_short_secret_is_refused_at_start(clock: FixedClock) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        PyJwtTokenIssuer("short", clock)
