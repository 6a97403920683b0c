"""add items.category_id

Revision ID: 0003
Revises: 0002
Create Date: 2024-03-15 10:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("items", sa.Column("category_id", sa.Integer(), nullable=True))
    # The categories table was meant to come with this migration and never did.
    op.create_foreign_key("items_category_id_fkey", "items", "categories", ["category_id"], ["id"])


def downgrade() -> None:
    op.drop_constraint("items_category_id_fkey", "items", type_="foreignkey")
    op.drop_column("items", "category_id")
