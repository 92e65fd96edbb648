"""schema

Revision ID: 0001
Revises: 
Create Date: before the first release
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cuiot.adapters.persistence.types
from cuiot.adapters.persistence.migrations import initial_extras
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
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

    initial_extras.upgrade()


def downgrade() -> None:
    with op.batch_alter_table('legal_representations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_representations_representative_id'))
        batch_op.drop_index(batch_op.f('ix_legal_representations_cared_person_id'))

    op.drop_table('legal_representations')
    with op.batch_alter_table('institution_reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_institution_reviews_public_by_date')

    op.drop_table('institution_reviews')
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
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index('ix_referrals_status_registered')
        batch_op.drop_index('ix_referrals_status_created')
        batch_op.drop_index('ix_referrals_referrer_email')
        batch_op.drop_index('ix_referrals_referrer_created')
        batch_op.drop_index('ix_referrals_referrer_converted')

    op.drop_table('referrals')
    op.drop_table('institutions')
    op.drop_table('caregiver_scores')
    op.drop_table('users')
    op.drop_table('roles')
