"""Hold one IMAPS session open across a daemon reload.

argv: host port ca user password. Logs in and selects INBOX, prints "ready" and
the certificate's SHA-256, waits for a line on stdin, then runs NOOP and a
FETCH on the same connection and prints "after-reload ok <count>".
"""
import hashlib, imaplib, ssl, sys

host, port, ca, user, password = sys.argv[1:6]
ctx = ssl.create_default_context(cafile=ca)
m = imaplib.IMAP4_SSL(host, int(port), ssl_context=ctx, timeout=30)
m.login(user, password)
typ, data = m.select('INBOX')
print('ready', hashlib.sha256(m.sock.getpeercert(binary_form=True)).hexdigest(), flush=True)
sys.stdin.readline()
typ, _ = m.noop()
assert typ == 'OK', typ
typ, data = m.select('INBOX')
count = int(data[0])
typ, data = m.fetch(b'1:*', '(FLAGS)')
assert typ == 'OK', typ
print('after-reload ok', count, flush=True)
m.logout()
