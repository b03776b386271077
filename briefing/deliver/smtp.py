"""Step 5 of delivery: hand the message to an SMTP server (STARTTLS, implicit TLS or plain), all recipients
checked before the message goes out, each refusal or lost connection an error that says what to do."""

from __future__ import annotations

import contextlib
import re
import smtplib
import ssl
from collections.abc import Sequence
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage

from briefing.deliver.settings import SMTP_PASSWORD_ENV, SMTP_PORTS, SMTP_SECURITY, SMTP_USER_ENV
from briefing.errors import (
    BadConfig,
    ConnectionLost,
    DeliveryError,
    DeliveryUncertain,
    LoginRefused,
    RecipientRefused,
)
from briefing.log import get_logger
from briefing.options import MailOptions
from briefing.runtime.settings_file import shown

log = get_logger(__name__)

def check_security(mail: MailOptions) -> None:
    """Refuse an unknown security mode, and a password over an unencrypted connection."""
    if mail.security not in SMTP_SECURITY:
        raise BadConfig(f"smtp_security {shown(mail.security)}: use one of {', '.join(SMTP_SECURITY)}")
    if mail.security == "plain" and mail.username:
        raise DeliveryError(
            f"refusing to send the SMTP password unencrypted: use --starttls or --ssl, or unset "
            f"{SMTP_USER_ENV}/{SMTP_PASSWORD_ENV} for a relay that needs no login"
        )


def check_server(mail: MailOptions) -> None:
    """Refuse a host that cannot be a host name (empty, an empty or over-long label: IDNA fails inside the
    connection, as a UnicodeError), and a login smtplib cannot send (it encodes user and password as ASCII)."""
    host = mail.smtp_host
    if not host.strip():
        raise BadConfig("no SMTP server: give --smtp-host (or smtp_host in briefing.toml)")
    try:
        host.encode("idna")
    except UnicodeError:
        raise BadConfig(f"--smtp-host {shown(host)} is not a host name (an empty part between dots, or one longer "
                        "than 63 characters): check --smtp-host or smtp_host in briefing.toml") from None
    for what, value, where in (("user name", mail.username, f"{SMTP_USER_ENV} or smtp_user"),
                               ("password", mail.password, f"{SMTP_PASSWORD_ENV} or smtp_password")):
        if value is not None and not value.isascii():
            raise BadConfig(f"the SMTP {what} has characters outside ASCII, which SMTP logins cannot send: "
                            f"check {where}")


def send(message: EmailMessage, *, sender: Address, recipients: Sequence[Address], mail: MailOptions) -> None:
    """Hand `message` to the SMTP server; returns once the server has accepted it for every recipient.

    All recipients are checked before the message goes out: if the server refuses one, nobody gets it.
    Raises LoginRefused, RecipientRefused, ConnectionLost or DeliveryError, each saying what to do.
    """
    check_security(mail)
    check_server(mail)
    port = mail.smtp_port or SMTP_PORTS[mail.security]
    where = f"{mail.smtp_host}:{port}"
    log.info("sending to %d recipient(s) via %s (%s)", len(recipients), where, mail.security)
    context = ssl.create_default_context()
    client: smtplib.SMTP | None = None
    try:
        if mail.security == "ssl":
            client = smtplib.SMTP_SSL(mail.smtp_host, port, timeout=mail.timeout_s, context=context)
        else:
            client = smtplib.SMTP(mail.smtp_host, port, timeout=mail.timeout_s)
        client.ehlo()
        if mail.security == "starttls":
            if not client.has_extn("starttls"):
                raise DeliveryError(f"{where} does not offer STARTTLS: use --ssl (usually port 465), "
                                    "or --plain for a relay on a trusted network")
            client.starttls(context=context)
            client.ehlo()
        if mail.username:
            _login(client, mail, where)
        _envelope(client, sender, recipients, where)
        _data(client, message.as_bytes(policy=policy.SMTP), where)
    except smtplib.SMTPServerDisconnected:
        raise ConnectionLost(f"{where} closed the connection before accepting the message; it is not marked "
                             "sent: run the same command again") from None
    except smtplib.SMTPResponseException as exc:
        retry = "try again later" if 400 <= exc.smtp_code < 500 else "fix what it says"
        raise DeliveryError(f"{where} refused the message: {exc.smtp_code} {_reply(exc.smtp_error)}; it is not "
                            f"marked sent: {retry}, then run the same command again") from None
    except ssl.SSLCertVerificationError as exc:
        raise ConnectionLost(f"{where}: the server's certificate cannot be trusted ({exc.verify_message}); "
                             "for a private CA set SSL_CERT_FILE to its certificate file") from None
    except (ssl.SSLError, smtplib.SMTPException) as exc:
        raise ConnectionLost(f"{where}: {exc}; nothing was sent") from None
    except OSError as exc:
        raise ConnectionLost(f"cannot reach {where} ({exc.strerror or exc}); check --smtp-host and "
                             "--smtp-port; nothing was sent") from None
    finally:
        if client is not None:
            _quit(client)


def _data(client: smtplib.SMTP, raw: bytes, where: str) -> None:
    """DATA, the message, and the server's verdict on it; smtplib's `data()` would return a refusal as a code.

    Until the final "." has gone out the server cannot have accepted anything; after it, a lost
    connection or a late answer leaves the outcome unknown (DeliveryUncertain), not failed.
    """
    code, reply = client.docmd("DATA")
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    body = re.sub(rb"(?m)^\.", b"..", raw)  # RFC 5321 4.5.2: a line starting with "." gets one more
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    client.send(body + b".\r\n")
    try:
        code, reply = client.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as exc:  # smtplib reports a timeout as a disconnection
        raise DeliveryUncertain(f"{where} received the whole message, then gave no answer ({_reply(str(exc))}): "
                                "whether it was delivered is uncertain") from None
    if code != 250 and not 400 <= code < 600:  # smtplib's -1 for a reply it could not read, or a code SMTP has
        # not: the server may well have taken the message
        raise DeliveryUncertain(f"{where} received the whole message, then answered something that is no SMTP "
                                f"reply ({_reply(reply)}): whether it was delivered is uncertain")
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


def _login(client: smtplib.SMTP, mail: MailOptions, where: str) -> None:
    assert mail.username is not None
    try:
        client.login(mail.username, mail.password or "")
    except smtplib.SMTPAuthenticationError as exc:
        raise LoginRefused(f"{where} refused the login of {shown(mail.username)} ({exc.smtp_code} "
                           f"{_reply(exc.smtp_error)}): check {SMTP_USER_ENV} and {SMTP_PASSWORD_ENV}") from None
    except smtplib.SMTPNotSupportedError:
        raise LoginRefused(f"{where} offers no login (AUTH): unset {SMTP_USER_ENV} for this server") from None


def _envelope(client: smtplib.SMTP, sender: Address, recipients: Sequence[Address], where: str) -> None:
    """MAIL FROM and every RCPT TO; on any refusal, reset so that no recipient gets the message."""
    code, reply = client.mail(sender.addr_spec)
    if code != 250:
        client.rset()
        fix = "try again later" if 400 <= code < 500 else "check --from"
        raise RecipientRefused(f"{where} refused the sender {sender.addr_spec}: {code} {_reply(reply)}; {fix}")
    refused = []
    temporary = True
    for recipient in recipients:
        code, reply = client.rcpt(recipient.addr_spec)
        if code not in (250, 251):
            refused.append(f"{recipient.addr_spec} ({code} {_reply(reply)})")
            temporary = temporary and 400 <= code < 500
    if refused:
        client.rset()
        fix = ("the refusal is temporary: run the same command again later" if temporary
               else "fix or remove that --to address and run again")
        raise RecipientRefused(f"{where} refused {', '.join(refused)}; nothing was sent to anyone: {fix}")


def _quit(client: smtplib.SMTP) -> None:
    with contextlib.suppress(smtplib.SMTPException, OSError):
        client.quit()
    client.close()


def _reply(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    return " ".join(text.split())
