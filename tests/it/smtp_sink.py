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
"""
import asyncio
import email
import os
import sys
from email import policy

from aiosmtpd.controller import Controller

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


controller = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
