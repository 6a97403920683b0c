from sqlalchemy import text

from .db import engine


def check_database() -> None:
    """Raises when the database cannot answer a trivial query."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        # The audit trail must be readable for the service to count as healthy.
        connection.execute(text("SELECT 1 FROM item_audit LIMIT 1"))
