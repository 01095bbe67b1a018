"""A fingerprint of every table's contents, to prove a set of requests changed nothing."""

from __future__ import annotations

import sqlalchemy as sa

from hgkiemtra.core.db import db

# Bookkeeping a read may legitimately touch: when an API token was last used
# (updated on every authenticated API call, read or write).
VOLATILE = {("api_tokens", "last_used_at")}


def database_digest() -> dict[str, str]:
    """Row count and an MD5 over the sorted rows of every mapped table."""
    found = {}
    for table in db.metadata.sorted_tables:
        columns = ", ".join(f'"{c.name}"' for c in table.columns
                            if (table.name, c.name) not in VOLATILE)
        row = db.session.execute(sa.text(
            f"SELECT count(*), md5(coalesce(string_agg(x, '|' ORDER BY x), '')) "
            f'FROM (SELECT ROW({columns})::text AS x FROM "{table.name}") s')).one()
        found[table.name] = f"{row[0]}:{row[1]}"
    return found
