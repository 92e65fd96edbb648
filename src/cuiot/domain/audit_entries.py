"""What the audit log records of each change (``audit.py``): one factory per action, taking
the subject as the change left it. Details hold what an auditor needs to read the entry
on its own (the role, the amount, what changed) and no secret: an address is masked,
and a document reference or a password never appears."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from cuiot.domain.alerts import Alert, AlertStatus
from cuiot.domain.audit import AuditAction, AuditEntry, changes
from cuiot.domain.care import CaredPerson, LegalRepresentation
from cuiot.domain.instants import iso_utc
from cuiot.domain.invoices import Invoice
from cuiot.domain.notifications import Channel
from cuiot.domain.packages import Package
from cuiot.domain.referrals import Commission
from cuiot.domain.responders import masked_address
from cuiot.domain.users import Role, User


def alert_acknowledged(alert: Alert, by: UUID | None, at: datetime) -> AuditEntry:
    """From CUIOT itself, or from a notification's link (its channel and masked address)."""
    details: dict[str, Any] = {"severity": alert.severity.value,
                               "escalation_level": alert.escalation_level}
    if alert.acknowledged_via is not None:
        details["via"] = alert.acknowledged_via
        if alert.acknowledged_recipient is not None:
            details["recipient"] = masked_address(Channel(alert.acknowledged_via),
                                                  alert.acknowledged_recipient)
    return AuditEntry(AuditAction.ALERT_ACKNOWLEDGED, by, alert.id, at, details)


def alert_resolved(alert: Alert, by: UUID, at: datetime, was: AlertStatus,
                   reason: str | None = None) -> AuditEntry:
    """``was``: the status before (``pending`` or ``sent``: nobody had acknowledged it).
    ``reason``: why, when someone did not resolve it by hand (``cared_person_deactivated``)."""
    details = {"severity": alert.severity.value, "status_before": was.value}
    return AuditEntry(AuditAction.ALERT_RESOLVED, by, alert.id, at,
                      details | ({"reason": reason} if reason else {}))


def role_granted(user: User, role: Role, by: UUID | None, at: datetime,
                 expires_at: datetime | None = None) -> AuditEntry:
    """``by`` None: the operator's bootstrap of an admin (``cuiot admin create``)."""
    return AuditEntry(AuditAction.ROLE_GRANTED, by, user.id, at, {
        "role": role.value, "expires_at": None if expires_at is None else iso_utc(expires_at)})


def role_revoked(user: User, role: Role, by: UUID, at: datetime) -> AuditEntry:
    return AuditEntry(AuditAction.ROLE_REVOKED, by, user.id, at, {"role": role.value})


def representation_verified(representation: LegalRepresentation, by: UUID,
                            at: datetime) -> AuditEntry:
    return AuditEntry(AuditAction.REPRESENTATION_VERIFIED, by, representation.id, at, {
        "cared_person_id": str(representation.cared_person_id),
        "representative_id": str(representation.representative_id),
        "relationship": representation.relationship.value})


def representation_ended(representation: LegalRepresentation, by: UUID,
                         at: datetime) -> AuditEntry:
    return AuditEntry(AuditAction.REPRESENTATION_ENDED, by, representation.id, at, {
        "cared_person_id": str(representation.cared_person_id),
        "representative_id": str(representation.representative_id),
        "relationship": representation.relationship.value,
        "verified": representation.verified})


def member_removed(member_id: UUID, cared_person_id: UUID, by: UUID,
                   at: datetime) -> AuditEntry:
    """``left``: the member removed themselves."""
    return AuditEntry(AuditAction.MEMBER_REMOVED, by, member_id, at, {
        "cared_person_id": str(cared_person_id), "left": by == member_id})


def caregiver_removed(caregiver_id: UUID, cared_person_id: UUID, *, status: str,
                      primary: bool, by: UUID, at: datetime) -> AuditEntry:
    """``status``: the assignment's (``pending``: an invitation withdrawn);
    ``stepped_down``: the caregiver removed themselves."""
    return AuditEntry(AuditAction.CAREGIVER_REMOVED, by, caregiver_id, at, {
        "cared_person_id": str(cared_person_id), "status": status, "primary": primary,
        "stepped_down": by == caregiver_id})


def staff_removed(user_id: UUID, institution_id: UUID, on_call: bool, by: UUID,
                  at: datetime) -> AuditEntry:
    return AuditEntry(AuditAction.STAFF_REMOVED, by, user_id, at, {
        "institution_id": str(institution_id), "on_call": on_call})


def invoice_paid(invoice: Invoice, by: UUID, at: datetime) -> AuditEntry:
    return AuditEntry(AuditAction.INVOICE_PAID, by, invoice.id, at, {
        "number": invoice.number, "total_cents": invoice.total.cents,
        "currency": invoice.total.currency})


def commission_paid(commission: Commission, by: UUID, at: datetime) -> AuditEntry:
    return AuditEntry(AuditAction.COMMISSION_PAID, by, commission.id, at, {
        "referrer_id": str(commission.referrer_id), "amount_cents": commission.amount.cents,
        "currency": commission.amount.currency})


def package_terms(package: Package) -> dict[str, Any]:
    """A package's terms as plain values (prices in cents), to record and to compare."""
    limits = package.limits
    return {"type": package.type.value, "name": package.name,
            "price_monthly_cents": package.price_monthly.cents,
            "price_yearly_cents": (None if package.price_yearly is None
                                   else package.price_yearly.cents),
            "currency": package.price_monthly.currency,
            "max_users": limits.max_users, "max_devices": limits.max_devices,
            "max_storage_gb": limits.max_storage_gb, "max_patients": limits.max_patients,
            "support_level": package.support_level.value, "features": list(package.features)}


def package_created(package: Package, by: UUID, at: datetime) -> AuditEntry:
    return AuditEntry(AuditAction.PACKAGE_CREATED, by, package.id, at, package_terms(package))


def package_changed(package: Package, terms_before: dict[str, Any], by: UUID,
                    at: datetime) -> AuditEntry:
    """``changes``: each term that changed, ``[before, after]`` (empty: the same terms
    given again)."""
    return AuditEntry(AuditAction.PACKAGE_CHANGED, by, package.id, at,
                      {"changes": changes(terms_before, package_terms(package))})


def package_deactivated(package: Package, by: UUID, at: datetime) -> AuditEntry:
    return AuditEntry(AuditAction.PACKAGE_DEACTIVATED, by, package.id, at,
                      {"name": package.name})


def cared_person_deactivated(person: CaredPerson, by: UUID, at: datetime, *,
                             alerts_closed: int, notifications_cancelled: int) -> AuditEntry:
    """Monitoring stopped: how many open alerts were closed and queued messages dropped."""
    return AuditEntry(AuditAction.CARED_PERSON_DEACTIVATED, by, person.id, at, {
        "account_id": str(person.account_id), "alerts_closed": alerts_closed,
        "notifications_cancelled": notifications_cancelled})


def cared_person_reactivated(person: CaredPerson, by: UUID, at: datetime) -> AuditEntry:
    return AuditEntry(AuditAction.CARED_PERSON_REACTIVATED, by, person.id, at,
                      {"account_id": str(person.account_id)})


def cared_person_erased(person: CaredPerson, by: UUID, at: datetime,
                        records: dict[str, int]) -> AuditEntry:
    """``records``: how many stored rows had personal content erased, by kind."""
    return AuditEntry(AuditAction.CARED_PERSON_ERASED, by, person.id, at,
                      {"account_id": str(person.account_id), "records": records})


def user_deactivated(user: User, by: UUID, at: datetime, *, sessions_ended: int,
                     notifications_cancelled: int) -> AuditEntry:
    return AuditEntry(AuditAction.USER_DEACTIVATED, by, user.id, at, {
        "by_self": by == user.id, "sessions_ended": sessions_ended,
        "notifications_cancelled": notifications_cancelled})


def user_reactivated(user: User, by: UUID, at: datetime) -> AuditEntry:
    return AuditEntry(AuditAction.USER_REACTIVATED, by, user.id, at, {})


def user_erased(user: User, by: UUID, at: datetime, records: dict[str, int]) -> AuditEntry:
    """``records``: as for a cared person. The entry names no erased value."""
    return AuditEntry(AuditAction.USER_ERASED, by, user.id, at, {"records": records})
