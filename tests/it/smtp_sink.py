"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd).

Usage: smtp_sink.py PORT OUT_DIR [MODE [ARG]]. Prints "ready" when listening; stops
when stdin closes. Each message N is saved as N.eml, its attachments as N.pdf, its
envelope recipients as N.rcpt.

Modes:
  accept            accept everything (the default)
  tempfail-first    answer the first DATA with 451, then accept
  reject ADDRESS    answer RCPT TO:<ADDRESS> with 550, accept the others
  hang              take the message, print "data" and never answer (a server that
                    dies mid-send, for crash tests)
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
from aiosmtpd.smtp import AuthResult, LoginPassword

MODE = sys.argv[3] if len(sys.argv) > 3 else "accept"
ARG = sys.argv[4] if len(sys.argv) > 4 else ""


class Sink:
    count = 0
    data_calls = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if MODE == "reject" and address.lower() == ARG.lower():
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        Sink.data_calls += 1
        if MODE == "tempfail-first" and Sink.data_calls == 1:
            return "451 4.3.0 Try again later"
        if MODE == "hang":
            print("data", flush=True)
            await asyncio.sleep(3600)
        Sink.count += 1
        base = os.path.join(sys.argv[2], str(Sink.count))
        with open(base + ".eml", "wb") as f:
            f.write(envelope.content)
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        for part in msg.iter_attachments():
            with open(base + ".pdf", "wb") as f:
                f.write(part.get_content())
        with open(base + ".rcpt", "w") as f:
            f.write("\n".join(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


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

controller = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]), **options)
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
