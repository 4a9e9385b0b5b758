"""booking

The centre's bookable spaces, their closures, bookings, and the slot claims whose unique index makes a double
booking impossible.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('booking_spaces',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=80), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('place', sa.String(length=120), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('opens', sa.String(length=5), nullable=False),
    sa.Column('closes', sa.String(length=5), nullable=False),
    sa.Column('weekdays', sa.String(length=7), nullable=False),
    sa.Column('slot_minutes', sa.Integer(), nullable=False),
    sa.Column('max_minutes_per_day', sa.Integer(), nullable=False),
    sa.Column('days_ahead', sa.Integer(), nullable=False),
    sa.Column('release_minutes', sa.Integer(), nullable=False),
    sa.Column('early_minutes', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_spaces'))
    )
    op.create_table('booking_closures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['space_id'], ['booking_spaces.id'], name=op.f('fk_booking_closures_space_id_booking_spaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_closures'))
    )
    with op.batch_alter_table('booking_closures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_closures_space_id'), ['space_id'], unique=False)

    op.create_table('bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('company', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=11), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('terminal_id', sa.Integer(), nullable=True),
    sa.Column('request_id', sa.String(length=36), nullable=False),
    sa.Column('key_id', sa.Integer(), nullable=False),
    sa.Column('page_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_in_terminal', sa.String(length=60), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_by', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['key_id'], ['ticket_keys.id'], name=op.f('fk_bookings_key_id_ticket_keys')),
    sa.ForeignKeyConstraint(['space_id'], ['booking_spaces.id'], name=op.f('fk_bookings_space_id_booking_spaces'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['terminal_id'], ['terminals.id'], name=op.f('fk_bookings_terminal_id_terminals'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bookings')),
    sa.UniqueConstraint('page_token', name=op.f('uq_bookings_page_token'))
    )
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bookings_phone'), ['phone'], unique=False)
        batch_op.create_index('ix_bookings_space_starts', ['space_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_bookings_status_starts', ['status', 'starts_at'], unique=False)
        batch_op.create_index('uq_bookings_request_id', ['request_id'], unique=True)

    op.create_table('booking_slot_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_booking_slot_claims_booking_id_bookings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['space_id'], ['booking_spaces.id'], name=op.f('fk_booking_slot_claims_space_id_booking_spaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_slot_claims'))
    )
    with op.batch_alter_table('booking_slot_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_slot_claims_booking_id'), ['booking_id'], unique=False)
        batch_op.create_index('uq_booking_slot_claims_slot', ['space_id', 'starts_at', 'place'], unique=True)



def downgrade() -> None:
    with op.batch_alter_table('booking_slot_claims', schema=None) as batch_op:
        batch_op.drop_index('uq_booking_slot_claims_slot')
        batch_op.drop_index(batch_op.f('ix_booking_slot_claims_booking_id'))

    op.drop_table('booking_slot_claims')
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index('uq_bookings_request_id')
        batch_op.drop_index('ix_bookings_status_starts')
        batch_op.drop_index('ix_bookings_space_starts')
        batch_op.drop_index(batch_op.f('ix_bookings_phone'))

    op.drop_table('bookings')
    with op.batch_alter_table('booking_closures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booking_closures_space_id'))

    op.drop_table('booking_closures')
    op.drop_table('booking_spaces')
