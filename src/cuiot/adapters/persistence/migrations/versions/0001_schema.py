"""schema

Revision ID: 0001
Revises: 
Create Date: before the first release
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import cuiot.adapters.persistence.types
from cuiot.adapters.persistence.migrations import initial_extras

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('billing_records',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('subscription_id', sa.Uuid(), nullable=False),
    sa.Column('account_kind', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('tax_cents', sa.BigInteger(), nullable=False),
    sa.Column('total_cents', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('created_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('paid_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("account_kind IN ('user', 'institution')", name=op.f('ck_billing_records_account_kind')),
    sa.CheckConstraint("kind IN ('period', 'proration')", name=op.f('ck_billing_records_kind')),
    sa.CheckConstraint("number LIKE 'CU-____-______'", name=op.f('ck_billing_records_number_format')),
    sa.CheckConstraint("status <> 'paid' OR paid_at IS NOT NULL", name=op.f('ck_billing_records_paid_has_time')),
    sa.CheckConstraint("status IN ('pending', 'paid', 'overdue', 'cancelled')", name=op.f('ck_billing_records_status')),
    sa.CheckConstraint('amount_cents >= 0', name=op.f('ck_billing_records_amount_not_negative')),
    sa.CheckConstraint('due_date >= issue_date', name=op.f('ck_billing_records_due_after_issue')),
    sa.CheckConstraint('length(currency) = 3', name=op.f('ck_billing_records_currency_code')),
    sa.CheckConstraint('period_end > period_start', name=op.f('ck_billing_records_period_order')),
    sa.CheckConstraint('tax_cents >= 0', name=op.f('ck_billing_records_tax_not_negative')),
    sa.CheckConstraint('total_cents = amount_cents + tax_cents', name=op.f('ck_billing_records_total_is_amount_plus_tax')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_records')),
    sa.UniqueConstraint('number', name='uq_billing_records_number')
    )
    with op.batch_alter_table('billing_records', schema=None) as batch_op:
        batch_op.create_index('ix_billing_records_issue_number', ['issue_date', 'number'], unique=False)
        batch_op.create_index('ix_billing_records_status_due', ['status', 'due_date'], unique=False)
        batch_op.create_index('ix_billing_records_subscription_issue', ['subscription_id', 'issue_date'], unique=False)

    op.create_table('invoice_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.CheckConstraint('last_number >= 0', name=op.f('ck_invoice_counters_last_number_not_negative')),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_invoice_counters'))
    )
    op.create_table('packages',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('price_monthly_cents', sa.BigInteger(), nullable=False),
    sa.Column('price_yearly_cents', sa.BigInteger(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('features', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('max_users', sa.Integer(), nullable=True),
    sa.Column('max_devices', sa.Integer(), nullable=True),
    sa.Column('max_storage_gb', sa.Integer(), nullable=True),
    sa.Column('max_patients', sa.Integer(), nullable=True),
    sa.Column('support_level', sa.String(length=10), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("(type = 'institutional') = (max_patients IS NOT NULL)", name=op.f('ck_packages_patients_for_institutions')),
    sa.CheckConstraint("support_level IN ('email', 'chat', 'phone', '24/7')", name=op.f('ck_packages_support_level')),
    sa.CheckConstraint("trim(name) <> ''", name=op.f('ck_packages_name_not_blank')),
    sa.CheckConstraint("type IN ('basic', 'familiar', 'premium', 'professional', 'institutional')", name=op.f('ck_packages_type')),
    sa.CheckConstraint('length(currency) = 3', name=op.f('ck_packages_currency_code')),
    sa.CheckConstraint('max_devices IS NULL OR max_devices > 0', name=op.f('ck_packages_max_devices_positive')),
    sa.CheckConstraint('max_patients IS NULL OR max_patients > 0', name=op.f('ck_packages_max_patients_positive')),
    sa.CheckConstraint('max_storage_gb IS NULL OR max_storage_gb > 0', name=op.f('ck_packages_max_storage_gb_positive')),
    sa.CheckConstraint('max_users IS NULL OR max_users > 0', name=op.f('ck_packages_max_users_positive')),
    sa.CheckConstraint('price_monthly_cents >= 0', name=op.f('ck_packages_price_monthly_not_negative')),
    sa.CheckConstraint('price_yearly_cents IS NULL OR price_yearly_cents >= 0', name=op.f('ck_packages_price_yearly_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_packages'))
    )
    with op.batch_alter_table('packages', schema=None) as batch_op:
        batch_op.create_index('ix_packages_active_price', ['is_active', 'price_monthly_cents'], unique=False)

    op.create_table('rejected_messages',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('received_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('topic', sa.String(length=300), nullable=False),
    sa.Column('device_id', sa.String(length=200), nullable=True),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.String(length=1000), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rejected_messages'))
    )
    with op.batch_alter_table('rejected_messages', schema=None) as batch_op:
        batch_op.create_index('ix_rejected_messages_reason', ['reason', 'received_at'], unique=False)
        batch_op.create_index('ix_rejected_messages_received', ['received_at'], unique=False)

    op.create_table('roles',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_roles'))
    )
    op.create_table('users',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('capacity_status', sa.String(length=20), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users'))
    )
    op.create_table('caregiver_scores',
    sa.Column('caregiver_id', sa.Uuid(), nullable=False),
    sa.Column('overall_score', cuiot.adapters.persistence.types.ExactDecimal(precision=12, scale=4), nullable=False),
    sa.Column('experience_score', cuiot.adapters.persistence.types.ExactDecimal(precision=12, scale=4), nullable=True),
    sa.Column('quality_score', cuiot.adapters.persistence.types.ExactDecimal(precision=12, scale=4), nullable=True),
    sa.Column('reliability_score', cuiot.adapters.persistence.types.ExactDecimal(precision=12, scale=4), nullable=True),
    sa.Column('availability_score', cuiot.adapters.persistence.types.ExactDecimal(precision=12, scale=4), nullable=True),
    sa.Column('specialization_score', cuiot.adapters.persistence.types.ExactDecimal(precision=12, scale=4), nullable=True),
    sa.Column('total_reviews', sa.Integer(), nullable=False),
    sa.Column('last_calculated', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('CAST(availability_score AS NUMERIC) BETWEEN 1 AND 5', name=op.f('ck_caregiver_scores_availability_score_1_to_5')),
    sa.CheckConstraint('CAST(experience_score AS NUMERIC) BETWEEN 1 AND 5', name=op.f('ck_caregiver_scores_experience_score_1_to_5')),
    sa.CheckConstraint('CAST(overall_score AS NUMERIC) BETWEEN 1 AND 5', name=op.f('ck_caregiver_scores_overall_score_1_to_5')),
    sa.CheckConstraint('CAST(quality_score AS NUMERIC) BETWEEN 1 AND 5', name=op.f('ck_caregiver_scores_quality_score_1_to_5')),
    sa.CheckConstraint('CAST(reliability_score AS NUMERIC) BETWEEN 1 AND 5', name=op.f('ck_caregiver_scores_reliability_score_1_to_5')),
    sa.CheckConstraint('CAST(specialization_score AS NUMERIC) BETWEEN 1 AND 5', name=op.f('ck_caregiver_scores_specialization_score_1_to_5')),
    sa.CheckConstraint('total_reviews >= 0', name=op.f('ck_caregiver_scores_total_reviews_not_negative')),
    sa.ForeignKeyConstraint(['caregiver_id'], ['users.id'], name=op.f('fk_caregiver_scores_caregiver_id_users'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('caregiver_id', name=op.f('pk_caregiver_scores'))
    )
    op.create_table('institutions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('admin_id', sa.Uuid(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('created_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['admin_id'], ['users.id'], name=op.f('fk_institutions_admin_id_users'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_institutions'))
    )
    op.create_table('notifications',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('address', sa.String(), nullable=False),
    sa.Column('subject', sa.String(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('recipient_user_id', sa.Uuid(), nullable=True),
    sa.Column('alert_id', sa.Uuid(), nullable=True),
    sa.Column('escalation_level', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('sent_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("channel IN ('email', 'sms', 'push', 'webhook', 'log')", name=op.f('ck_notifications_channel')),
    sa.CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name=op.f('ck_notifications_sent_has_time')),
    sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name=op.f('ck_notifications_status')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_notifications_attempts_not_negative')),
    sa.CheckConstraint('escalation_level IS NULL OR escalation_level >= 0', name=op.f('ck_notifications_escalation_level_not_negative')),
    sa.ForeignKeyConstraint(['recipient_user_id'], ['users.id'], name=op.f('fk_notifications_recipient_user_id_users'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_alert_created', ['alert_id', 'created_at'], unique=False)
        batch_op.create_index('ix_notifications_recipient', ['recipient_user_id'], unique=False)
        batch_op.create_index('ix_notifications_status_next_attempt', ['status', 'next_attempt_at'], unique=False)

    op.create_table('password_resets',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('used_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('expires_at > created_at', name=op.f('ck_password_resets_expires_after_created')),
    sa.CheckConstraint('length(token_hash) = 64', name=op.f('ck_password_resets_token_hash_is_sha256')),
    sa.CheckConstraint('used_at IS NULL OR used_at >= created_at', name=op.f('ck_password_resets_used_after_created')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_resets_user_id_users'), ondelete='CASCADE', initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_resets')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_resets_token_hash'))
    )
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_resets_user_id'), ['user_id'], unique=False)

    op.create_table('referrals',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('referrer_id', sa.Uuid(), nullable=False),
    sa.Column('referrer_type', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('registered_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('referred_user_id', sa.Uuid(), nullable=True),
    sa.Column('converted_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('subscription_id', sa.Uuid(), nullable=True),
    sa.Column('first_paid_period', sa.Date(), nullable=True),
    sa.Column('expired_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("referrer_type IN ('caregiver', 'institution', 'family', 'cared_person')", name=op.f('ck_referrals_referrer_type')),
    sa.CheckConstraint("status <> 'converted' OR (converted_at IS NOT NULL AND subscription_id IS NOT NULL AND first_paid_period IS NOT NULL)", name=op.f('ck_referrals_converted_has_subscription')),
    sa.CheckConstraint("status <> 'expired' OR expired_at IS NOT NULL", name=op.f('ck_referrals_expired_has_time')),
    sa.CheckConstraint("status IN ('pending', 'registered', 'converted', 'expired')", name=op.f('ck_referrals_status')),
    sa.CheckConstraint("status NOT IN ('registered', 'converted') OR (referred_user_id IS NOT NULL AND registered_at IS NOT NULL)", name=op.f('ck_referrals_registered_has_user')),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_referrals_email_lower')),
    sa.CheckConstraint('length(code) = 8', name=op.f('ck_referrals_code_length')),
    sa.ForeignKeyConstraint(['referred_user_id'], ['users.id'], name=op.f('fk_referrals_referred_user_id_users'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['referrer_id'], ['users.id'], name=op.f('fk_referrals_referrer_id_users'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals')),
    sa.UniqueConstraint('code', name='uq_referrals_code'),
    sa.UniqueConstraint('referred_user_id', name='uq_referrals_referred_user_id')
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index('ix_referrals_referrer_converted', ['referrer_id', 'converted_at'], unique=False)
        batch_op.create_index('ix_referrals_referrer_created', ['referrer_id', 'created_at'], unique=False)
        batch_op.create_index('ix_referrals_referrer_email', ['referrer_id', 'email'], unique=False)
        batch_op.create_index('ix_referrals_status_created', ['status', 'created_at'], unique=False)
        batch_op.create_index('ix_referrals_status_registered', ['status', 'registered_at'], unique=False)

    op.create_table('refresh_token_families',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('current_jti', sa.String(length=64), nullable=False),
    sa.Column('current_expires_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('revoke_reason', sa.String(length=20), nullable=True),
    sa.CheckConstraint("revoke_reason IN ('reuse', 'logout', 'password_reset', 'user_inactive')", name=op.f('ck_refresh_token_families_revoke_reason_known')),
    sa.CheckConstraint('(revoked_at IS NULL) = (revoke_reason IS NULL)', name=op.f('ck_refresh_token_families_revoked_with_reason')),
    sa.CheckConstraint('current_expires_at > created_at', name=op.f('ck_refresh_token_families_expires_after_created')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_refresh_token_families_user_id_users'), ondelete='CASCADE', initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refresh_token_families')),
    sa.UniqueConstraint('current_jti', name=op.f('uq_refresh_token_families_current_jti'))
    )
    with op.batch_alter_table('refresh_token_families', schema=None) as batch_op:
        batch_op.create_index('ix_refresh_token_families_user_created', ['user_id', 'created_at'], unique=False)

    op.create_table('user_roles',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.Column('granted_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['role'], ['roles.name'], name=op.f('fk_user_roles_role_roles'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_roles_user_id_users'), ondelete='CASCADE', initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_roles'))
    )
    op.create_table('cared_persons',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('institution_id', sa.Uuid(), nullable=True),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('care_type', sa.String(length=20), nullable=False),
    sa.Column('capacity_status', sa.String(length=20), nullable=False),
    sa.Column('emergency_contacts', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('thresholds', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('last_activity_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['users.id'], name=op.f('fk_cared_persons_account_id_users'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_cared_persons_institution_id_institutions'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cared_persons_user_id_users'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cared_persons'))
    )
    with op.batch_alter_table('cared_persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cared_persons_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cared_persons_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cared_persons_user_id'), ['user_id'], unique=False)

    op.create_table('institution_scores',
    sa.Column('institution_id', sa.Uuid(), nullable=False),
    sa.Column('overall_score', cuiot.adapters.persistence.types.ExactDecimal(precision=12, scale=4), nullable=False),
    sa.Column('medical_quality_score', cuiot.adapters.persistence.types.ExactDecimal(precision=12, scale=4), nullable=True),
    sa.Column('infrastructure_score', cuiot.adapters.persistence.types.ExactDecimal(precision=12, scale=4), nullable=True),
    sa.Column('staff_score', cuiot.adapters.persistence.types.ExactDecimal(precision=12, scale=4), nullable=True),
    sa.Column('attention_score', cuiot.adapters.persistence.types.ExactDecimal(precision=12, scale=4), nullable=True),
    sa.Column('price_score', cuiot.adapters.persistence.types.ExactDecimal(precision=12, scale=4), nullable=True),
    sa.Column('total_reviews', sa.Integer(), nullable=False),
    sa.Column('last_calculated', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('CAST(attention_score AS NUMERIC) BETWEEN 1 AND 5', name=op.f('ck_institution_scores_attention_score_1_to_5')),
    sa.CheckConstraint('CAST(infrastructure_score AS NUMERIC) BETWEEN 1 AND 5', name=op.f('ck_institution_scores_infrastructure_score_1_to_5')),
    sa.CheckConstraint('CAST(medical_quality_score AS NUMERIC) BETWEEN 1 AND 5', name=op.f('ck_institution_scores_medical_quality_score_1_to_5')),
    sa.CheckConstraint('CAST(overall_score AS NUMERIC) BETWEEN 1 AND 5', name=op.f('ck_institution_scores_overall_score_1_to_5')),
    sa.CheckConstraint('CAST(price_score AS NUMERIC) BETWEEN 1 AND 5', name=op.f('ck_institution_scores_price_score_1_to_5')),
    sa.CheckConstraint('CAST(staff_score AS NUMERIC) BETWEEN 1 AND 5', name=op.f('ck_institution_scores_staff_score_1_to_5')),
    sa.CheckConstraint('total_reviews >= 0', name=op.f('ck_institution_scores_total_reviews_not_negative')),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_institution_scores_institution_id_institutions'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('institution_id', name=op.f('pk_institution_scores'))
    )
    op.create_table('institution_staff',
    sa.Column('institution_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('on_call', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_institution_staff_institution_id_institutions'), ondelete='CASCADE', initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_institution_staff_user_id_users'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('institution_id', 'user_id', name=op.f('pk_institution_staff'))
    )
    with op.batch_alter_table('institution_staff', schema=None) as batch_op:
        batch_op.create_index('ix_institution_staff_user', ['user_id'], unique=False)

    op.create_table('referral_commissions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('referral_id', sa.Uuid(), nullable=False),
    sa.Column('referrer_id', sa.Uuid(), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('base_cents', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('percentage', cuiot.adapters.persistence.types.ExactDecimal(precision=12, scale=4), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('paid_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status <> 'cancelled' OR cancelled_at IS NOT NULL", name=op.f('ck_referral_commissions_cancelled_has_time')),
    sa.CheckConstraint("status <> 'paid' OR paid_at IS NOT NULL", name=op.f('ck_referral_commissions_paid_has_time')),
    sa.CheckConstraint("status IN ('pending', 'paid', 'cancelled')", name=op.f('ck_referral_commissions_status')),
    sa.CheckConstraint("type IN ('first_month', 'recurring', 'bonus')", name=op.f('ck_referral_commissions_type')),
    sa.CheckConstraint('CAST(percentage AS NUMERIC) BETWEEN 0 AND 100', name=op.f('ck_referral_commissions_percentage_range')),
    sa.CheckConstraint('amount_cents >= 0', name=op.f('ck_referral_commissions_amount_not_negative')),
    sa.CheckConstraint('base_cents >= 0', name=op.f('ck_referral_commissions_base_not_negative')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_referral_commissions_referral_id_referrals'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['referrer_id'], ['users.id'], name=op.f('fk_referral_commissions_referrer_id_users'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_commissions')),
    sa.UniqueConstraint('referral_id', 'type', 'period', name='uq_referral_commissions_referral_type_period')
    )
    with op.batch_alter_table('referral_commissions', schema=None) as batch_op:
        batch_op.create_index('ix_referral_commissions_referrer_period', ['referrer_id', 'period'], unique=False)
        batch_op.create_index('ix_referral_commissions_status_period', ['status', 'period'], unique=False)

    op.create_table('cared_person_caregivers',
    sa.Column('cared_person_id', sa.Uuid(), nullable=False),
    sa.Column('caregiver_id', sa.Uuid(), nullable=False),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['cared_person_id'], ['cared_persons.id'], name=op.f('fk_cared_person_caregivers_cared_person_id_cared_persons'), ondelete='CASCADE', initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['caregiver_id'], ['users.id'], name=op.f('fk_cared_person_caregivers_caregiver_id_users'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('cared_person_id', 'caregiver_id', name=op.f('pk_cared_person_caregivers'))
    )
    with op.batch_alter_table('cared_person_caregivers', schema=None) as batch_op:
        batch_op.create_index('ix_cared_person_caregivers_caregiver', ['caregiver_id'], unique=False)

    op.create_table('cared_person_members',
    sa.Column('cared_person_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['cared_person_id'], ['cared_persons.id'], name=op.f('fk_cared_person_members_cared_person_id_cared_persons'), ondelete='CASCADE', initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cared_person_members_user_id_users'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('cared_person_id', 'user_id', name=op.f('pk_cared_person_members'))
    )
    with op.batch_alter_table('cared_person_members', schema=None) as batch_op:
        batch_op.create_index('ix_cared_person_members_user', ['user_id'], unique=False)

    op.create_table('caregiver_reviews',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('reviewer_id', sa.Uuid(), nullable=False),
    sa.Column('caregiver_id', sa.Uuid(), nullable=False),
    sa.Column('cared_person_id', sa.Uuid(), nullable=False),
    sa.Column('rating', sa.SmallInteger(), nullable=False),
    sa.Column('experience_rating', sa.SmallInteger(), nullable=True),
    sa.Column('quality_rating', sa.SmallInteger(), nullable=True),
    sa.Column('reliability_rating', sa.SmallInteger(), nullable=True),
    sa.Column('availability_rating', sa.SmallInteger(), nullable=True),
    sa.Column('specialization_rating', sa.SmallInteger(), nullable=True),
    sa.Column('is_recommended', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('hidden_by', sa.Uuid(), nullable=True),
    sa.Column('hidden_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(is_public AND hidden_by IS NULL AND hidden_at IS NULL) OR (NOT is_public AND hidden_by IS NOT NULL AND hidden_at IS NOT NULL)', name=op.f('ck_caregiver_reviews_hidden_by_whom_and_when')),
    sa.CheckConstraint('availability_rating BETWEEN 1 AND 5', name=op.f('ck_caregiver_reviews_availability_rating_1_to_5')),
    sa.CheckConstraint('experience_rating BETWEEN 1 AND 5', name=op.f('ck_caregiver_reviews_experience_rating_1_to_5')),
    sa.CheckConstraint('length(comment) <= 2000', name=op.f('ck_caregiver_reviews_comment_length')),
    sa.CheckConstraint('quality_rating BETWEEN 1 AND 5', name=op.f('ck_caregiver_reviews_quality_rating_1_to_5')),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_caregiver_reviews_rating_1_to_5')),
    sa.CheckConstraint('reliability_rating BETWEEN 1 AND 5', name=op.f('ck_caregiver_reviews_reliability_rating_1_to_5')),
    sa.CheckConstraint('specialization_rating BETWEEN 1 AND 5', name=op.f('ck_caregiver_reviews_specialization_rating_1_to_5')),
    sa.ForeignKeyConstraint(['cared_person_id'], ['cared_persons.id'], name=op.f('fk_caregiver_reviews_cared_person_id_cared_persons'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['caregiver_id'], ['users.id'], name=op.f('fk_caregiver_reviews_caregiver_id_users'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['hidden_by'], ['users.id'], name=op.f('fk_caregiver_reviews_hidden_by_users'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_caregiver_reviews_reviewer_id_users'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_caregiver_reviews')),
    sa.UniqueConstraint('reviewer_id', 'caregiver_id', 'cared_person_id', 'service_date', name='uq_caregiver_reviews_one_per_service')
    )
    with op.batch_alter_table('caregiver_reviews', schema=None) as batch_op:
        batch_op.create_index('ix_caregiver_reviews_public_by_date', ['caregiver_id', 'is_public', 'created_at', 'id'], unique=False)

    op.create_table('devices',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('device_type', sa.String(length=20), nullable=False),
    sa.Column('cared_person_id', sa.Uuid(), nullable=False),
    sa.Column('api_key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('location', sa.String(), nullable=True),
    sa.Column('config', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('last_seen_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('battery_level', sa.Integer(), nullable=True),
    sa.Column('offline_due_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("device_type IN ('blood_pressure', 'gas_sensor', 'motion_sensor', 'panic_button', 'ip_camera')", name=op.f('ck_devices_device_type')),
    sa.CheckConstraint("status IN ('online', 'offline', 'unknown')", name=op.f('ck_devices_status')),
    sa.CheckConstraint("trim(name) <> ''", name=op.f('ck_devices_name_not_blank')),
    sa.CheckConstraint('battery_level IS NULL OR battery_level BETWEEN 0 AND 100', name=op.f('ck_devices_battery_level_range')),
    sa.CheckConstraint('length(api_key_hash) = 64', name=op.f('ck_devices_api_key_hash_sha256')),
    sa.ForeignKeyConstraint(['cared_person_id'], ['cared_persons.id'], name=op.f('fk_devices_cared_person_id_cared_persons'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_devices')),
    sa.UniqueConstraint('device_id', name='uq_devices_device_id')
    )
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.create_index('ix_devices_cared_person_created', ['cared_person_id', 'created_at'], unique=False)
        batch_op.create_index('ix_devices_offline_due_at', ['offline_due_at'], unique=False)
        batch_op.create_index('ix_devices_type_created', ['device_type', 'created_at'], unique=False)

    op.create_table('institution_packages',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('institution_id', sa.Uuid(), nullable=False),
    sa.Column('subscriber_id', sa.Uuid(), nullable=False),
    sa.Column('package_id', sa.Uuid(), nullable=False),
    sa.Column('billing_cycle', sa.String(length=10), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('current_period_start', sa.Date(), nullable=False),
    sa.Column('current_period_end', sa.Date(), nullable=False),
    sa.Column('created_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('cared_person_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('auto_renew', sa.Boolean(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('scheduled_package_id', sa.Uuid(), nullable=True),
    sa.Column('cancelled_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('suspended_on', sa.Date(), nullable=True),
    sa.Column('over_limits_since', sa.Date(), nullable=True),
    sa.Column('payment_method', sa.String(length=50), nullable=True),
    sa.CheckConstraint("billing_cycle IN ('monthly', 'yearly')", name=op.f('ck_institution_packages_billing_cycle')),
    sa.CheckConstraint("status <> 'cancelled' OR cancelled_at IS NOT NULL", name=op.f('ck_institution_packages_cancelled_has_time')),
    sa.CheckConstraint("status <> 'suspended' OR suspended_on IS NOT NULL", name=op.f('ck_institution_packages_suspended_has_day')),
    sa.CheckConstraint("status IN ('active', 'suspended', 'cancelled', 'expired')", name=op.f('ck_institution_packages_status')),
    sa.CheckConstraint('current_period_end > current_period_start', name=op.f('ck_institution_packages_period_order')),
    sa.CheckConstraint('current_period_start >= start_date', name=op.f('ck_institution_packages_period_after_start')),
    sa.ForeignKeyConstraint(['cared_person_id'], ['cared_persons.id'], name=op.f('fk_institution_packages_cared_person_id_cared_persons'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_institution_packages_institution_id_institutions'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['package_id'], ['packages.id'], name=op.f('fk_institution_packages_package_id_packages'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['scheduled_package_id'], ['packages.id'], name=op.f('fk_institution_packages_scheduled_package_id_packages'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['subscriber_id'], ['users.id'], name=op.f('fk_institution_packages_subscriber_id_users'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_institution_packages'))
    )
    with op.batch_alter_table('institution_packages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_institution_packages_cared_person_id'), ['cared_person_id'], unique=False)
        batch_op.create_index('ix_institution_packages_institution_id_created', ['institution_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_institution_packages_package_id'), ['package_id'], unique=False)
        batch_op.create_index('ix_institution_packages_period_end_in_force', ['current_period_end'], unique=False, sqlite_where=sa.text("status <> 'expired'"), postgresql_where=sa.text("status <> 'expired'"))
        batch_op.create_index(batch_op.f('ix_institution_packages_subscriber_id'), ['subscriber_id'], unique=False)
        batch_op.create_index('uq_institution_packages_institution_id_live', ['institution_id'], unique=True, sqlite_where=sa.text("status IN ('active', 'suspended')"), postgresql_where=sa.text("status IN ('active', 'suspended')"))

    op.create_table('institution_reviews',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('reviewer_id', sa.Uuid(), nullable=False),
    sa.Column('institution_id', sa.Uuid(), nullable=False),
    sa.Column('cared_person_id', sa.Uuid(), nullable=False),
    sa.Column('rating', sa.SmallInteger(), nullable=False),
    sa.Column('medical_quality_rating', sa.SmallInteger(), nullable=True),
    sa.Column('infrastructure_rating', sa.SmallInteger(), nullable=True),
    sa.Column('staff_rating', sa.SmallInteger(), nullable=True),
    sa.Column('attention_rating', sa.SmallInteger(), nullable=True),
    sa.Column('price_rating', sa.SmallInteger(), nullable=True),
    sa.Column('is_recommended', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('hidden_by', sa.Uuid(), nullable=True),
    sa.Column('hidden_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(is_public AND hidden_by IS NULL AND hidden_at IS NULL) OR (NOT is_public AND hidden_by IS NOT NULL AND hidden_at IS NOT NULL)', name=op.f('ck_institution_reviews_hidden_by_whom_and_when')),
    sa.CheckConstraint('attention_rating BETWEEN 1 AND 5', name=op.f('ck_institution_reviews_attention_rating_1_to_5')),
    sa.CheckConstraint('infrastructure_rating BETWEEN 1 AND 5', name=op.f('ck_institution_reviews_infrastructure_rating_1_to_5')),
    sa.CheckConstraint('length(comment) <= 2000', name=op.f('ck_institution_reviews_comment_length')),
    sa.CheckConstraint('medical_quality_rating BETWEEN 1 AND 5', name=op.f('ck_institution_reviews_medical_quality_rating_1_to_5')),
    sa.CheckConstraint('price_rating BETWEEN 1 AND 5', name=op.f('ck_institution_reviews_price_rating_1_to_5')),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_institution_reviews_rating_1_to_5')),
    sa.CheckConstraint('staff_rating BETWEEN 1 AND 5', name=op.f('ck_institution_reviews_staff_rating_1_to_5')),
    sa.ForeignKeyConstraint(['cared_person_id'], ['cared_persons.id'], name=op.f('fk_institution_reviews_cared_person_id_cared_persons'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['hidden_by'], ['users.id'], name=op.f('fk_institution_reviews_hidden_by_users'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_institution_reviews_institution_id_institutions'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_institution_reviews_reviewer_id_users'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_institution_reviews')),
    sa.UniqueConstraint('reviewer_id', 'institution_id', 'cared_person_id', 'service_date', name='uq_institution_reviews_one_per_service')
    )
    with op.batch_alter_table('institution_reviews', schema=None) as batch_op:
        batch_op.create_index('ix_institution_reviews_public_by_date', ['institution_id', 'is_public', 'created_at', 'id'], unique=False)

    op.create_table('legal_representations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('cared_person_id', sa.Uuid(), nullable=False),
    sa.Column('representative_id', sa.Uuid(), nullable=False),
    sa.Column('relationship', sa.String(length=30), nullable=False),
    sa.Column('document_ref', sa.String(length=200), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('verified_by', sa.Uuid(), nullable=True),
    sa.Column('verified_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cared_person_id'], ['cared_persons.id'], name=op.f('fk_legal_representations_cared_person_id_cared_persons'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['representative_id'], ['users.id'], name=op.f('fk_legal_representations_representative_id_users'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['verified_by'], ['users.id'], name=op.f('fk_legal_representations_verified_by_users'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_representations'))
    )
    with op.batch_alter_table('legal_representations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_representations_cared_person_id'), ['cared_person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_representations_representative_id'), ['representative_id'], unique=False)

    op.create_table('user_packages',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('subscriber_id', sa.Uuid(), nullable=False),
    sa.Column('package_id', sa.Uuid(), nullable=False),
    sa.Column('billing_cycle', sa.String(length=10), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('current_period_start', sa.Date(), nullable=False),
    sa.Column('current_period_end', sa.Date(), nullable=False),
    sa.Column('created_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('cared_person_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('auto_renew', sa.Boolean(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('scheduled_package_id', sa.Uuid(), nullable=True),
    sa.Column('cancelled_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('suspended_on', sa.Date(), nullable=True),
    sa.Column('over_limits_since', sa.Date(), nullable=True),
    sa.Column('payment_method', sa.String(length=50), nullable=True),
    sa.CheckConstraint("billing_cycle IN ('monthly', 'yearly')", name=op.f('ck_user_packages_billing_cycle')),
    sa.CheckConstraint("status <> 'cancelled' OR cancelled_at IS NOT NULL", name=op.f('ck_user_packages_cancelled_has_time')),
    sa.CheckConstraint("status <> 'suspended' OR suspended_on IS NOT NULL", name=op.f('ck_user_packages_suspended_has_day')),
    sa.CheckConstraint("status IN ('active', 'suspended', 'cancelled', 'expired')", name=op.f('ck_user_packages_status')),
    sa.CheckConstraint('current_period_end > current_period_start', name=op.f('ck_user_packages_period_order')),
    sa.CheckConstraint('current_period_start >= start_date', name=op.f('ck_user_packages_period_after_start')),
    sa.ForeignKeyConstraint(['account_id'], ['users.id'], name=op.f('fk_user_packages_account_id_users'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['cared_person_id'], ['cared_persons.id'], name=op.f('fk_user_packages_cared_person_id_cared_persons'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['package_id'], ['packages.id'], name=op.f('fk_user_packages_package_id_packages'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['scheduled_package_id'], ['packages.id'], name=op.f('fk_user_packages_scheduled_package_id_packages'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['subscriber_id'], ['users.id'], name=op.f('fk_user_packages_subscriber_id_users'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_packages'))
    )
    with op.batch_alter_table('user_packages', schema=None) as batch_op:
        batch_op.create_index('ix_user_packages_account_id_created', ['account_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_packages_cared_person_id'), ['cared_person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_packages_package_id'), ['package_id'], unique=False)
        batch_op.create_index('ix_user_packages_period_end_in_force', ['current_period_end'], unique=False, sqlite_where=sa.text("status <> 'expired'"), postgresql_where=sa.text("status <> 'expired'"))
        batch_op.create_index(batch_op.f('ix_user_packages_subscriber_id'), ['subscriber_id'], unique=False)
        batch_op.create_index('uq_user_packages_account_id_live', ['account_id'], unique=True, sqlite_where=sa.text("status IN ('active', 'suspended')"), postgresql_where=sa.text("status IN ('active', 'suspended')"))

    op.create_table('alerts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('cared_person_id', sa.Uuid(), nullable=False),
    sa.Column('device_pk', sa.Uuid(), nullable=False),
    sa.Column('alert_type', sa.String(length=20), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=15), nullable=False),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('repeats_at_max_level', sa.Integer(), nullable=False),
    sa.Column('occurrences', sa.Integer(), nullable=False),
    sa.Column('next_escalation_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('last_event_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_by', sa.Uuid(), nullable=True),
    sa.Column('acknowledged_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.Uuid(), nullable=True),
    sa.Column('resolved_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('unhandled_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("severity IN ('medium', 'high', 'critical')", name=op.f('ck_alerts_severity')),
    sa.CheckConstraint("status <> 'acknowledged' OR acknowledged_at IS NOT NULL", name=op.f('ck_alerts_acknowledged_has_time')),
    sa.CheckConstraint("status <> 'resolved' OR resolved_at IS NOT NULL", name=op.f('ck_alerts_resolved_has_time')),
    sa.CheckConstraint("status <> 'unhandled' OR unhandled_at IS NOT NULL", name=op.f('ck_alerts_unhandled_has_time')),
    sa.CheckConstraint("status IN ('pending', 'sent', 'acknowledged', 'resolved', 'unhandled')", name=op.f('ck_alerts_status')),
    sa.CheckConstraint("status NOT IN ('pending', 'sent') OR next_escalation_at IS NOT NULL", name=op.f('ck_alerts_escalating_has_deadline')),
    sa.CheckConstraint('escalation_level >= 0', name=op.f('ck_alerts_escalation_level_not_negative')),
    sa.CheckConstraint('occurrences >= 1', name=op.f('ck_alerts_occurrences_at_least_one')),
    sa.CheckConstraint('repeats_at_max_level >= 0', name=op.f('ck_alerts_repeats_not_negative')),
    sa.ForeignKeyConstraint(['acknowledged_by'], ['users.id'], name=op.f('fk_alerts_acknowledged_by_users'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['cared_person_id'], ['cared_persons.id'], name=op.f('fk_alerts_cared_person_id_cared_persons'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['device_pk'], ['devices.id'], name=op.f('fk_alerts_device_pk_devices'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['resolved_by'], ['users.id'], name=op.f('fk_alerts_resolved_by_users'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', 'created_at', name='pk_alerts'),
    postgresql_partition_by='RANGE (created_at)'
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index('ix_alerts_cared_person_created', ['cared_person_id', 'created_at'], unique=False)
        batch_op.create_index('ix_alerts_open_lookup', ['cared_person_id', 'device_pk', 'alert_type', 'status'], unique=False)
        batch_op.create_index('ix_alerts_status_next_escalation', ['status', 'next_escalation_at'], unique=False)

    op.create_table('device_commands',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('device_pk', sa.Uuid(), nullable=False),
    sa.Column('command', sa.String(length=64), nullable=False),
    sa.Column('params', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('requested_by', sa.Uuid(), nullable=False),
    sa.Column('created_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('timeout_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('completed_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('result', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('reply_ok', sa.Boolean(), nullable=True),
    sa.Column('replied_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name=op.f('ck_device_commands_sent_has_time')),
    sa.CheckConstraint("status IN ('pending', 'sent', 'completed', 'failed', 'timed_out')", name=op.f('ck_device_commands_status')),
    sa.CheckConstraint("status NOT IN ('completed', 'failed', 'timed_out') OR completed_at IS NOT NULL", name=op.f('ck_device_commands_final_has_time')),
    sa.CheckConstraint("trim(command) <> ''", name=op.f('ck_device_commands_command_not_blank')),
    sa.CheckConstraint('(reply_ok IS NULL) = (replied_at IS NULL)', name=op.f('ck_device_commands_reply_complete')),
    sa.CheckConstraint('timeout_at >= created_at', name=op.f('ck_device_commands_timeout_after_creation')),
    sa.ForeignKeyConstraint(['device_pk'], ['devices.id'], name=op.f('fk_device_commands_device_pk_devices'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['requested_by'], ['users.id'], name=op.f('fk_device_commands_requested_by_users'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_commands'))
    )
    with op.batch_alter_table('device_commands', schema=None) as batch_op:
        batch_op.create_index('ix_device_commands_device_created', ['device_pk', 'created_at'], unique=False)
        batch_op.create_index('ix_device_commands_status_timeout', ['status', 'timeout_at'], unique=False)

    op.create_table('device_messages',
    sa.Column('device_pk', sa.Uuid(), nullable=False),
    sa.Column('msg_id', sa.String(), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('event_timestamp', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_pk'], ['devices.id'], name=op.f('fk_device_messages_device_pk_devices'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('device_pk', 'msg_id', name='pk_device_messages')
    )
    op.create_table('events',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('timestamp', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('device_pk', sa.Uuid(), nullable=False),
    sa.Column('cared_person_id', sa.Uuid(), nullable=False),
    sa.Column('event_type', sa.String(length=20), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('received_at', cuiot.adapters.persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('sensor_data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('msg_id', sa.String(), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Uuid(), nullable=True),
    sa.CheckConstraint("event_type IN ('blood_pressure', 'gas_sensor', 'motion', 'fall', 'panic_pressed', 'motion_detected', 'person_down', 'battery_low', 'device_offline', 'inactivity')", name=op.f('ck_events_event_type')),
    sa.CheckConstraint("severity IN ('low', 'medium', 'high', 'critical')", name=op.f('ck_events_severity')),
    sa.CheckConstraint('size_bytes >= 0', name=op.f('ck_events_size_not_negative')),
    sa.ForeignKeyConstraint(['cared_person_id'], ['cared_persons.id'], name=op.f('fk_events_cared_person_id_cared_persons'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['device_pk'], ['devices.id'], name=op.f('fk_events_device_pk_devices'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', 'timestamp', name='pk_events'),
    postgresql_partition_by='RANGE (timestamp)'
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_alert_id', ['alert_id'], unique=False)
        batch_op.create_index('ix_events_cared_person_timestamp', ['cared_person_id', 'timestamp'], unique=False)
        batch_op.create_index('ix_events_cared_person_type_timestamp', ['cared_person_id', 'event_type', 'timestamp'], unique=False)
        batch_op.create_index('ix_events_device_timestamp', ['device_pk', 'timestamp'], unique=False)

    initial_extras.upgrade()


def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_device_timestamp')
        batch_op.drop_index('ix_events_cared_person_type_timestamp')
        batch_op.drop_index('ix_events_cared_person_timestamp')
        batch_op.drop_index('ix_events_alert_id')

    op.drop_table('events')
    op.drop_table('device_messages')
    with op.batch_alter_table('device_commands', schema=None) as batch_op:
        batch_op.drop_index('ix_device_commands_status_timeout')
        batch_op.drop_index('ix_device_commands_device_created')

    op.drop_table('device_commands')
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_alerts_status_next_escalation')
        batch_op.drop_index('ix_alerts_open_lookup')
        batch_op.drop_index('ix_alerts_cared_person_created')

    op.drop_table('alerts')
    with op.batch_alter_table('user_packages', schema=None) as batch_op:
        batch_op.drop_index('uq_user_packages_account_id_live', sqlite_where=sa.text("status IN ('active', 'suspended')"), postgresql_where=sa.text("status IN ('active', 'suspended')"))
        batch_op.drop_index(batch_op.f('ix_user_packages_subscriber_id'))
        batch_op.drop_index('ix_user_packages_period_end_in_force', sqlite_where=sa.text("status <> 'expired'"), postgresql_where=sa.text("status <> 'expired'"))
        batch_op.drop_index(batch_op.f('ix_user_packages_package_id'))
        batch_op.drop_index(batch_op.f('ix_user_packages_cared_person_id'))
        batch_op.drop_index('ix_user_packages_account_id_created')

    op.drop_table('user_packages')
    with op.batch_alter_table('legal_representations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_representations_representative_id'))
        batch_op.drop_index(batch_op.f('ix_legal_representations_cared_person_id'))

    op.drop_table('legal_representations')
    with op.batch_alter_table('institution_reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_institution_reviews_public_by_date')

    op.drop_table('institution_reviews')
    with op.batch_alter_table('institution_packages', schema=None) as batch_op:
        batch_op.drop_index('uq_institution_packages_institution_id_live', sqlite_where=sa.text("status IN ('active', 'suspended')"), postgresql_where=sa.text("status IN ('active', 'suspended')"))
        batch_op.drop_index(batch_op.f('ix_institution_packages_subscriber_id'))
        batch_op.drop_index('ix_institution_packages_period_end_in_force', sqlite_where=sa.text("status <> 'expired'"), postgresql_where=sa.text("status <> 'expired'"))
        batch_op.drop_index(batch_op.f('ix_institution_packages_package_id'))
        batch_op.drop_index('ix_institution_packages_institution_id_created')
        batch_op.drop_index(batch_op.f('ix_institution_packages_cared_person_id'))

    op.drop_table('institution_packages')
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_index('ix_devices_type_created')
        batch_op.drop_index('ix_devices_offline_due_at')
        batch_op.drop_index('ix_devices_cared_person_created')

    op.drop_table('devices')
    with op.batch_alter_table('caregiver_reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_caregiver_reviews_public_by_date')

    op.drop_table('caregiver_reviews')
    with op.batch_alter_table('cared_person_members', schema=None) as batch_op:
        batch_op.drop_index('ix_cared_person_members_user')

    op.drop_table('cared_person_members')
    with op.batch_alter_table('cared_person_caregivers', schema=None) as batch_op:
        batch_op.drop_index('ix_cared_person_caregivers_caregiver')

    op.drop_table('cared_person_caregivers')
    with op.batch_alter_table('referral_commissions', schema=None) as batch_op:
        batch_op.drop_index('ix_referral_commissions_status_period')
        batch_op.drop_index('ix_referral_commissions_referrer_period')

    op.drop_table('referral_commissions')
    with op.batch_alter_table('institution_staff', schema=None) as batch_op:
        batch_op.drop_index('ix_institution_staff_user')

    op.drop_table('institution_staff')
    op.drop_table('institution_scores')
    with op.batch_alter_table('cared_persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cared_persons_user_id'))
        batch_op.drop_index(batch_op.f('ix_cared_persons_institution_id'))
        batch_op.drop_index(batch_op.f('ix_cared_persons_account_id'))

    op.drop_table('cared_persons')
    op.drop_table('user_roles')
    with op.batch_alter_table('refresh_token_families', schema=None) as batch_op:
        batch_op.drop_index('ix_refresh_token_families_user_created')

    op.drop_table('refresh_token_families')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index('ix_referrals_status_registered')
        batch_op.drop_index('ix_referrals_status_created')
        batch_op.drop_index('ix_referrals_referrer_email')
        batch_op.drop_index('ix_referrals_referrer_created')
        batch_op.drop_index('ix_referrals_referrer_converted')

    op.drop_table('referrals')
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_resets_user_id'))

    op.drop_table('password_resets')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_status_next_attempt')
        batch_op.drop_index('ix_notifications_recipient')
        batch_op.drop_index('ix_notifications_alert_created')

    op.drop_table('notifications')
    op.drop_table('institutions')
    op.drop_table('caregiver_scores')
    op.drop_table('users')
    op.drop_table('roles')
    with op.batch_alter_table('rejected_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_rejected_messages_received')
        batch_op.drop_index('ix_rejected_messages_reason')

    op.drop_table('rejected_messages')
    with op.batch_alter_table('packages', schema=None) as batch_op:
        batch_op.drop_index('ix_packages_active_price')

    op.drop_table('packages')
    op.drop_table('invoice_counters')
    with op.batch_alter_table('billing_records', schema=None) as batch_op:
        batch_op.drop_index('ix_billing_records_subscription_issue')
        batch_op.drop_index('ix_billing_records_status_due')
        batch_op.drop_index('ix_billing_records_issue_number')

    op.drop_table('billing_records')
