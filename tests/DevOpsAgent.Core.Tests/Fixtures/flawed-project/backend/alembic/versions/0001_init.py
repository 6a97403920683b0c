"""init"""
from alembic import op


def upgrade():
    op.create_table("items")


def downgrade():
    """Irreversible."""
    pass
