from sqlalchemy import text

from .db import engine


def check_database() -> None:
    """Raises when the database cannot answer a trivial query."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
