"""The iCalendar feed of one user, found by the secret token in its address.

Calendar apps cannot sign in, so the address itself is the credential: a
random 256-bit token, shown only to its owner, who may replace it (the old
address stops working at once) or turn the feed off. An inactive account's
feed answers like an unknown one. Functions flush; the caller commits.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import date, datetime

import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.calendar import ics
from hgkiemtra.cases.models import Case
from hgkiemtra.cases.queries import on_team
from hgkiemtra.core.db import db
from hgkiemtra.deadlines import explanations
from hgkiemtra.deadlines.models import Deadline
from hgkiemtra.people.models import User

TOKEN_BYTES = 32
SCOPES = ("mine", "all")  # the cases on the user's team, or every case in scope


def regenerate_token(user: User) -> str:
    user.calendar_token = secrets.token_urlsafe(TOKEN_BYTES)
    db.session.flush()
    return user.calendar_token


def disable_feed(user: User) -> None:
    user.calendar_token = None
    db.session.flush()


def user_for_token(token: str) -> User | None:
    if not token or len(token) > 64:
        return None
    user = db.session.scalar(sa.select(User).where(User.calendar_token == token))
    if user is None or not user.is_active or user.calendar_token is None:
        return None
    # The index found it; compare once more in constant time all the same.
    return user if secrets.compare_digest(user.calendar_token, token) else None


def feed_deadlines(user: User, scope: str = "mine") -> list[tuple[Deadline, Case]]:
    """Open deadlines of cases in the user's scope (on their team unless 'all')."""
    actor = Actor.for_user(user)
    stmt = (
        sa.select(Deadline, Case)
        .join(Case, Case.id == Deadline.case_id)
        .where(actor.visible_org_filter(Case.org_id), Deadline.status == "open")
        .order_by(Deadline.due_on, Deadline.id)
    )
    if scope != "all":
        stmt = stmt.where(on_team(user.id))
    return [(d, c) for d, c in db.session.execute(stmt).all()]


def events(rows: Iterable[tuple[Deadline, Case]], case_url: str, host: str,
           today: date, overdue_word: str, translate: Callable[[str], str] = str,
           ) -> list[ics.AllDayEvent]:
    """One all-day event per deadline, on its due date.

    Only the case reference and the deadline's label leave the system: case
    titles name the people and organisations inspected, and a calendar app
    may keep its copy on someone else's server. ``case_url`` has '{id}'.
    """
    found = []
    for deadline, case in rows:
        late = f" ({overdue_word})" if deadline.due_on < today else ""
        found.append(ics.AllDayEvent(
            uid=f"deadline-{deadline.id}@{host}",
            day=deadline.due_on,
            summary=f"{case.reference}: {translate(deadline.label)}{late}",
            description=f"{_explanation(deadline, translate)}\n{deadline.citation}".strip(),
            url=case_url.format(id=case.id),
            categories=(case.reference,),
        ))
    return found


def _explanation(deadline: Deadline, translate: Callable[[str], str]) -> str:
    """In the reader's language when the deadline kept its lines (older ones: as stored)."""
    lines = explanations.lines_of(deadline)
    if lines is None:
        return deadline.explanation
    return explanations.SEPARATOR.join(translate(line) for line in lines)


def feed(user: User, scope: str, name: str, case_url: str, host: str, now: datetime,
         today: date, overdue_word: str, translate: Callable[[str], str] = str) -> str:
    rows = feed_deadlines(user, scope)
    items = events(rows, case_url, host, today, overdue_word, translate)
    return ics.calendar(name, items, now)
