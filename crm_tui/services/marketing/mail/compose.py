"""A queued message as the email that goes out: UTF-8 subject and body
(plain text, with the HTML alternative when the step wrote one), From, To,
Date and the Message-ID it was queued with, and for campaign mail a line
and a List-Unsubscribe header saying how to stop receiving it."""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, getaddresses
from urllib.parse import quote

from crm_tui.config_mail import MailSettings


def recipients(to_address: str) -> list[str]:
    """The addresses of a message's To (one, or several of an activity's)."""
    return [address for _, address in getaddresses([to_address]) if address]


def unsubscribe_line(settings: MailSettings, token: str) -> str:
    """What a campaign message says at its end about stopping them."""
    address = settings.unsubscribe_address or settings.from_address
    return (
        f"To stop receiving these emails, reply to {address} with the subject: unsubscribe {token}"
    )


def compose(row: dict, settings: MailSettings, files=()) -> EmailMessage:
    """The email of a queued message `row` (a mail_message row), with
    `files` ((name, mime type, bytes): the literature sent with it) attached."""
    message = EmailMessage()
    message["From"] = Address(settings.from_name, addr_spec=settings.from_address)
    to = recipients(row["to_address"])
    if len(to) == 1 and row["to_name"]:
        message["To"] = Address(row["to_name"], addr_spec=to[0])
    else:
        message["To"] = ", ".join(to)
    message["Subject"] = row["subject"]
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = row["message_id"]
    body = row["body_text"]
    campaign = row["step_id"] is not None
    if campaign:
        line = unsubscribe_line(settings, row["unsubscribe_token"])
        body = f"{body.rstrip()}\n\n-- \n{line}\n"
        address = settings.unsubscribe_address or settings.from_address
        subject = quote(f"unsubscribe {row['unsubscribe_token']}")
        message["List-Unsubscribe"] = f"<mailto:{address}?subject={subject}>"
        message["Precedence"] = "bulk"
    message.set_content(body, charset="utf-8")
    if row["body_html"]:
        html = row["body_html"]
        if campaign:
            footer = f"<p><small>{_html(line)}</small></p>"
            html = html.replace("</body>", footer + "</body>") if "</body>" in html else html
        message.add_alternative(html, subtype="html", charset="utf-8")
    for name, mime, payload in files:
        _attach(message, name, mime or "application/octet-stream", payload)
    return message


def _attach(message: EmailMessage, name: str, mime: str, payload: bytes) -> None:
    """A file attached as it is: a text file that is UTF-8 says so (else its
    reader guesses ASCII); any other as bytes of its type."""
    maintype, _, subtype = mime.partition("/")
    if maintype == "text":
        try:
            words = payload.decode("utf-8")
        except UnicodeDecodeError:
            maintype, subtype = "application", "octet-stream"
        else:
            message.add_attachment(words, subtype=subtype, charset="utf-8", filename=name)
            return
    message.add_attachment(payload, maintype=maintype, subtype=subtype, filename=name)


def _html(value: str) -> str:
    import html

    return html.escape(value)
