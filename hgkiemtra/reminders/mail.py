"""Rendering outbox messages as mail, and the two ways to send it.

A renderer per outbox ``kind`` turns the row into a template context; the
templates (``templates/mail/<kind>.<locale>.txt|.html``) make the subject
and the bodies in the recipient's language (``User.locale``: vi or en).
Mail carries references, state names and a link, never confidential
content (summaries, findings, notes, the subject's or a denouncer's name).

Transport: SMTP when ``SMTP_HOST`` is set, else the local sink table.
"""

from __future__ import annotations

import base64
import hashlib
import re
import smtplib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.header import Header
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

import jinja2

from hgkiemtra.cases.models import Case
from hgkiemtra.config import Settings
from hgkiemtra.core.db import db
from hgkiemtra.core.outbox import OutboxMessage
from hgkiemtra.people.models import User
from hgkiemtra.reminders.models import SinkMail
from workflows import registry

LOCALES = ("vi", "en")
SMTP_TIMEOUT = 30  # seconds; far below service.STALE_CLAIM
# Kinds whose very title may identify a denouncer or the person concerned.
CONFIDENTIAL_KINDS = frozenset({"denunciation"})

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    auto_reload=False,  # templates ship with the code: no stat() per mail to check them
)


class Undeliverable(Exception):
    """This message can never be sent as it stands (no recipient, no renderer...)."""


@dataclass(frozen=True)
class Mail:
    to_addr: str
    subject: str
    body_text: str
    body_html: str
    outbox_key: str


Renderer = Callable[[OutboxMessage, str], dict[str, Any]]
_renderers: dict[str, Renderer] = {}


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    """Register the context builder for one outbox kind (``templates/mail/<kind>.*``)."""

    def register(func: Renderer) -> Renderer:
        _renderers[kind] = func
        return func

    return register


def render(message: OutboxMessage, base_url: str) -> Mail:
    build = _renderers.get(message.kind)
    if build is None:
        raise Undeliverable(f"no mail template for outbox kind '{message.kind}'")
    user = db.session.get(User, message.recipient_id) if message.recipient_id else None
    if user is None or not user.email:
        raise Undeliverable("the recipient has no e-mail address")
    if not user.is_active:
        raise Undeliverable("the recipient's account is inactive")
    locale = user.locale if user.locale in LOCALES else LOCALES[0]
    context = {"recipient_name": user.full_name, **build(message, base_url.rstrip("/"))}
    name = f"mail/{message.kind}.{locale}"
    text = _env.get_template(f"{name}.txt")
    return Mail(
        to_addr=user.email,
        subject=_one_line(_render_block(text, "subject", context)),
        body_text=_render_block(text, "body", context).strip() + "\n",
        body_html=_env.get_template(f"{name}.html").render(context),
        outbox_key=message.key,
    )


def _render_block(template: jinja2.Template, block: str, context: dict[str, Any]) -> str:
    return "".join(template.blocks[block](template.new_context(context)))


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()[:400]


@renderer("case_transition")
def _case_transition(message: OutboxMessage, base_url: str) -> dict[str, Any]:
    payload = message.payload or {}
    case = db.session.get(Case, message.case_id) if message.case_id else None
    if case is None:
        raise Undeliverable(f"case {message.case_id} no longer exists")
    labels = labels_of(case)
    to_state = str(payload.get("to_state", case.state))
    from_state = str(payload.get("from_state") or "")
    event = str(payload.get("event", ""))
    return {
        "reference": case.reference,
        "title": "" if case.kind in CONFIDENTIAL_KINDS else case.title,
        "event": event,
        "event_label": labels.get(("event", event), event),
        "from_state": from_state,
        "from_label": labels.get(("state", from_state), from_state),
        "to_state": to_state,
        "to_label": labels.get(("state", to_state), to_state),
        "url": f"{base_url}/cases/{case.id}",
    }


def labels_of(case: Case) -> dict[tuple[str, str], str]:
    """Labels of the states and events of the case's workflow."""
    try:
        definition = registry.get(case.workflow_name, case.workflow_version)
    except Exception:  # noqa: BLE001 - an unknown definition only costs the labels
        return {}
    labels = {("state", s.name): s.label for s in definition.states}
    labels.update({("event", e.name): e.label for e in definition.events})
    return labels


# --- transports ----------------------------------------------------------


class Transport(Protocol):
    def send(self, mail: Mail) -> None: ...


class SinkTransport:
    """Keeps the mail in ``sink_mails``, in the caller's transaction."""

    def send(self, mail: Mail) -> None:
        exists = db.session.scalar(
            db.select(SinkMail.id).where(SinkMail.outbox_key == mail.outbox_key)
        )
        if exists is not None:
            return  # already kept once: the sink is exactly-once per outbox key
        db.session.add(
            SinkMail(
                outbox_key=mail.outbox_key,
                to_addr=mail.to_addr,
                subject=mail.subject,
                body_text=mail.body_text,
                body_html=mail.body_html,
            )
        )
        db.session.flush()


@dataclass(frozen=True)
class SmtpTransport:
    host: str
    port: int
    user: str = ""
    password: str = ""
    starttls: bool = False
    mail_from: str = "hgkiemtra@localhost"
    timeout: float = SMTP_TIMEOUT

    def send(self, mail: Mail) -> None:
        with self.connect() as smtp:
            send_over(smtp, mail, self.mail_from)

    def connect(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
        except BaseException:
            smtp.close()
            raise
        return smtp


class SmtpConnection:
    """One SMTP connection reused for many mails (see ``connected``).

    A connection the server dropped while idle is reopened and the mail tried
    once more on the new one; after any other failure the connection is
    closed (its state is unknown) and the next mail opens a fresh one.
    """

    def __init__(self, transport: SmtpTransport) -> None:
        self.transport = transport
        self.smtp: smtplib.SMTP | None = None
        self.opened = 0

    def send(self, mail: Mail) -> None:
        mail_from = self.transport.mail_from
        reused = self.smtp is not None
        try:
            send_over(self._open(), mail, mail_from)
        except smtplib.SMTPServerDisconnected:
            self.close()
            if not reused:
                raise
            send_over(self._open(), mail, mail_from)
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code in (421, 451):  # the server may drop us next: start afresh
                self.close()
            raise
        except Exception:
            self.close()
            raise

    def _open(self) -> smtplib.SMTP:
        if self.smtp is None:
            self.smtp = self.transport.connect()
            self.opened += 1
        return self.smtp

    def close(self) -> None:
        smtp, self.smtp = self.smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


@contextmanager
def connected(mailer: Mailer) -> Iterator[Mailer]:
    """The mailer with one SMTP connection kept open for the whole block
    (the sink and other transports are used as they are)."""
    if not isinstance(mailer.transport, SmtpTransport):
        yield mailer
        return
    connection = SmtpConnection(mailer.transport)
    try:
        yield Mailer(transport=connection, base_url=mailer.base_url)
    finally:
        connection.close()


def message_id(mail: Mail, mail_from: str) -> str:
    """The same outbox row always has the same Message-ID, so a mail sent twice
    (see service: the at-least-once window) can be recognised as one."""
    domain = mail_from.rpartition("@")[2] or "hgkiemtra"
    return f"<{_digest(mail)}@{domain}>"


def _digest(mail: Mail) -> str:
    return hashlib.sha256(mail.outbox_key.encode()).hexdigest()[:32]


def to_email(mail: Mail, mail_from: str) -> EmailMessage:
    """The mail as an ``EmailMessage`` (what ``to_bytes`` writes, parsed)."""
    email = EmailMessage()
    email["From"] = mail_from
    email["To"] = mail.to_addr
    email["Subject"] = mail.subject
    email["Message-ID"] = message_id(mail, mail_from)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(mail.body_text)
    email.add_alternative(mail.body_html, subtype="html")
    return email


def to_bytes(mail: Mail, mail_from: str) -> bytes:
    """The mail as MIME bytes (multipart/alternative, UTF-8 parts in base64),
    written directly: building and flattening an ``EmailMessage`` cost several
    times the rest of a delivery. The boundary starts with "=_", which base64
    never produces. Raises UnicodeEncodeError for a non-ASCII address."""
    if any(c in address for address in (mail_from, mail.to_addr) for c in "\r\n"):
        raise Undeliverable("a line break in a mail address")
    boundary = f"=_hgk_{_digest(mail)}"
    head = [f"From: {mail_from}", f"To: {mail.to_addr}",
            "Subject: " + Header(mail.subject, "utf-8", header_name="Subject")
            .encode(linesep="\r\n"),
            f"Message-ID: {message_id(mail, mail_from)}", "Auto-Submitted: auto-generated",
            "MIME-Version: 1.0",
            f'Content-Type: multipart/alternative; boundary="{boundary}"', ""]
    parts = [(f"--{boundary}\r\nContent-Type: text/{subtype}; charset=\"utf-8\"\r\n"
              "Content-Transfer-Encoding: base64\r\n\r\n"
              + base64.encodebytes(body.encode()).decode().replace("\n", "\r\n"))
             for subtype, body in (("plain", mail.body_text), ("html", mail.body_html))]
    return ("\r\n".join(head).encode("ascii") + b"\r\n"
            + "".join(parts).encode("ascii") + f"--{boundary}--\r\n".encode())


def send_over(smtp: smtplib.SMTP, mail: Mail, mail_from: str) -> None:
    """Send one mail on an open connection (the slow ``EmailMessage`` path only
    for an address that is not ASCII)."""
    try:
        raw = to_bytes(mail, mail_from)
    except UnicodeEncodeError:
        smtp.send_message(to_email(mail, mail_from))
        return
    smtp.sendmail(mail_from, [mail.to_addr], raw)


@dataclass(frozen=True)
class Mailer:
    """What delivery needs from the configuration."""

    transport: Transport
    base_url: str


def mailer_from_settings(settings: Settings) -> Mailer:
    transport: Transport
    if settings.SMTP_HOST:
        transport = SmtpTransport(
            host=settings.SMTP_HOST,
            port=settings.SMTP_PORT,
            user=settings.SMTP_USER,
            password=settings.SMTP_PASSWORD,
            starttls=settings.SMTP_STARTTLS,
            mail_from=settings.MAIL_FROM,
        )
    else:
        transport = SinkTransport()
    return Mailer(transport=transport, base_url=settings.BASE_URL)


# Renderers of the other kinds register themselves on import.
from hgkiemtra.reminders import deadline_mail  # noqa: E402, F401
