"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd).

Usage: smtp_sink.py PORT OUT_DIR [MODE [ARG]]. Prints "ready" when listening; stops
when stdin closes. Each message N is saved as N.eml, its attachments as N.pdf and N.html, its
envelope recipients as N.rcpt; every DATA command's recipients are appended to
OUT_DIR/tries.log, one line per try, so a test sees the order of tries.

Modes:
  accept            accept everything (the default)
  tempfail-first    answer the first DATA with 451, then accept
  tempfail          answer every message with 451
  reject ADDRESSES  answer RCPT TO with 550 for these (comma-separated), accept the others
  hang [N]          take message N (default 1), print "data" and never answer (a server
                    that dies mid-send, for crash tests); earlier ones are accepted
  drop-at-data      close the connection when the DATA command comes, before its 354
  drop-before-reply take (and save) the whole message, then close the connection
                    without answering
  starttls          require STARTTLS, then AUTH as "reports" with password ARG
  tls               implicit TLS (SMTPS), then AUTH as "reports" with password ARG
In the TLS modes a new certificate authority (trustme) signs the server's certificate
for 127.0.0.1 and is written to OUT_DIR/ca.pem for the client to trust.
"""
import asyncio
import email
import os
import sys
import warnings
from email import policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

MODE = sys.argv[3] if len(sys.argv) > 3 else "accept"
ARG = sys.argv[4] if len(sys.argv) > 4 else ""


class Sink:
    count = 0
    data_calls = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        rejected = [a.strip().lower() for a in ARG.split(",")]
        if MODE == "reject" and address.lower() in rejected:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        Sink.data_calls += 1
        with open(os.path.join(sys.argv[2], "tries.log"), "a") as f:
            f.write(",".join(envelope.rcpt_tos) + "\n")
        if MODE == "tempfail-first" and Sink.data_calls == 1:
            return "451 4.3.0 Try again later"
        if MODE == "tempfail":
            return "451 4.3.0 Try again later"
        if MODE == "hang" and Sink.data_calls >= int(ARG or "1"):
            print("data", flush=True)
            await asyncio.sleep(3600)
        self.save(envelope)
        if MODE == "drop-before-reply":
            # The relay has the message; the client never hears so.
            server.transport.abort()
            await asyncio.sleep(3600)
        return "250 Message accepted for delivery"

    def save(self, envelope):
        Sink.count += 1
        base = os.path.join(sys.argv[2], str(Sink.count))
        with open(base + ".eml", "wb") as f:
            f.write(envelope.content)
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        for part in msg.iter_attachments():
            if part.get_content_type() == "text/html":
                with open(base + ".html", "wb") as f:
                    f.write(part.get_content().encode("utf-8"))
            else:
                with open(base + ".pdf", "wb") as f:
                    f.write(part.get_content())
        with open(base + ".rcpt", "w") as f:
            f.write("\n".join(envelope.rcpt_tos))


class Server(SMTP):
    async def smtp_DATA(self, arg):
        if MODE == "drop-at-data":
            self.transport.abort()
            return
        await super().smtp_DATA(arg)


class Control(Controller):
    def factory(self):
        return Server(self.handler, **self.SMTP_kwargs)


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == b"reports"
        and auth_data.password == ARG.encode()
    )
    return AuthResult(success=ok)


options = {}
if MODE in ("starttls", "tls"):
    import ssl

    import trustme

    ca = trustme.CA()
    ca.cert_pem.write_to_path(os.path.join(sys.argv[2], "ca.pem"))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    options = {"authenticator": authenticate, "auth_required": True}
    if MODE == "starttls":
        options.update(tls_context=context, require_starttls=True, auth_require_tls=True)
    else:
        # aiosmtpd counts only STARTTLS as TLS for AUTH; this connection is TLS from
        # its first byte.
        warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
        options.update(ssl_context=context, auth_require_tls=False)

controller = Control(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]), **options)
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
