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
    with op.batch_alter_table('cared_person_members', schema=None) as batch_op:
        batch_op.drop_index('ix_cared_person_members_user')

    op.drop_table('cared_person_members')
    with op.batch_alter_table('cared_person_caregivers', schema=None) as batch_op:
        batch_op.drop_index('ix_cared_person_caregivers_caregiver')

    op.drop_table('cared_person_caregivers')
    with op.batch_alter_table('institution_staff', schema=None) as batch_op:
        batch_op.drop_index('ix_institution_staff_user')

    op.drop_table('institution_staff')
    with op.batch_alter_table('cared_persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cared_persons_user_id'))
        batch_op.drop_index(batch_op.f('ix_cared_persons_institution_id'))
        batch_op.drop_index(batch_op.f('ix_cared_persons_account_id'))

    op.drop_table('cared_persons')
    op.drop_table('user_roles')
    op.drop_table('institutions')
    op.drop_table('users')
    op.drop_table('roles')
