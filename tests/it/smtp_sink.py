"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd).

Usage: smtp_sink.py PORT OUT_DIR. Prints "ready" when listening; stops when stdin
closes. Each message N is saved as N.eml, its attachments as N.pdf, its envelope
recipients as N.rcpt.
"""
import email
import os
import sys
from email import policy

from aiosmtpd.controller import Controller


class Sink:
    count = 0

    async def handle_DATA(self, server, session, envelope):
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
