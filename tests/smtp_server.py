"""A real SMTP server on loopback for the mail tests (aiosmtpd): it keeps
what it received, refuses the recipients it is told to (for now or for
good), and can drop the connection in the middle of a message."""

from __future__ import annotations

import socket
import ssl
import subprocess
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    envelope_to: list[str]
    message: object  # email.message.EmailMessage


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    refuse_for_good: set[str] = field(default_factory=set)
    refuse_for_now: set[str] = field(default_factory=set)
    # drop the connection instead of answering the DATA of these messages
    # (counted from 1 over the server's life)
    drop_at: set[int] = field(default_factory=set)
    datas: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_for_good:
            return "550 5.1.1 no such mailbox here"
        if address in self.refuse_for_now:
            return "451 4.3.0 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.datas += 1
        if self.datas in self.drop_at:
            server.transport.close()
            return "421 closing"
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        self.received.append(Received(list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"

    def to(self) -> list[str]:
        return [address for r in self.received for address in r.envelope_to]


def certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made by openssl for a day."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


class SmtpServer:
    """Started and stopped by the `smtp` fixture. `security` as the [mail]
    setting: "starttls" requires STARTTLS, "ssl" is TLS from the start, both
    with a certificate made in `folder`."""

    def __init__(self, security: str = "none", folder: Path | None = None) -> None:
        self.handler = Handler()
        self.port = free_port()
        self.security = security
        self.cert: Path | None = None
        tls = {}
        if security != "none":
            self.cert, key = certificate(folder)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.cert, key)
            tls = ({"tls_context": context, "require_starttls": True} if security == "starttls"
                   else {"ssl_context": context})  # fmt: skip
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **tls)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def settings(self, **extra) -> dict:
        """The [mail] table that sends through this server."""
        return {
            "host": "127.0.0.1",
            "port": self.port,
            "security": self.security,
            "from_address": "news@crm.example",
            "from_name": "Crm Example",
            "timeout_seconds": 5,
            **extra,
        }
