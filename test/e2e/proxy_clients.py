"""Clients for test/e2e/daemon-proxy.test.ts, one action per call.

python3 proxy_clients.py ACTION JSON -> one JSON object on stdout.

  send     SMTPS to the proxy from a chosen source address, one connection
           and one message per count (or until a flag file has appeared and
           `after` more went); prints a line per message as it is
           acknowledged (the test watches them), then the summary.
  subjects IMAP LOGIN at a server, the Subject and Received lines of INBOX.
  relay    EHLO, MAIL, RCPT to a remote domain from a source address: the RCPT reply.
  pop      USER/PASS at a POP server from a source address (poplib cannot bind one).
  forge    EHLO at a back end, then XPROXYEHLO with a proof made with the wrong password.
"""
import hashlib
import hmac
import imaplib
import json
import os
import smtplib
import socket
import ssl
import sys
import time


def send(a):
    ctx = ssl.create_default_context(cafile=a['ca'])
    ctx.check_hostname = False  # the certificate names localhost; we connect to 127.0.0.1 from a chosen source
    acked, failed = [], []
    # With `flag`: once that file exists, `after` more messages, then stop (count stays the ceiling).
    left = None
    for i in range(a['count']):
        if left is None and a.get('flag') and os.path.exists(a['flag']):
            left = a['after']
        if left is not None:
            if left == 0:
                break
            left -= 1
        if i > 0 and a.get('pause'):
            time.sleep(a['pause'])
        subject = '%s-%d' % (a['prefix'], i)
        try:
            s = smtplib.SMTP_SSL('127.0.0.1', a['port'], context=ctx, source_address=(a['source'], 0), timeout=30)
            s.login(a['user'], a['password'])
            s.sendmail('%s@localhost' % a['user'], ['%s@localhost' % a['user']], 'Subject: %s\r\n\r\nbody of %s\r\n' % (subject, subject))
            s.quit()
            acked.append(subject)
            print('acked %s' % subject, flush=True)
        except (smtplib.SMTPException, OSError) as e:
            failed.append('%s: %s' % (subject, e))
            print('failed %s: %s' % (subject, e), flush=True)
    return {'acked': acked, 'failed': failed}


def subjects(a):
    m = imaplib.IMAP4('127.0.0.1', a['port'])
    m.login(a['user'], a['password'])
    m.select('INBOX', readonly=True)
    out = []
    typ, data = m.search(None, 'ALL')
    for num in data[0].split():
        typ, parts = m.fetch(num, '(BODY.PEEK[HEADER])')
        header = parts[0][1].decode('latin1')
        subject = [l[9:] for l in header.split('\r\n') if l.startswith('Subject: ')]
        received = header.split('\r\n')[0]
        out.append({'subject': subject[0] if subject else '', 'received': received})
    m.logout()
    return {'messages': out}


def relay(a):
    s = smtplib.SMTP('127.0.0.1', a['port'], source_address=(a['source'], 0), timeout=30)
    s.ehlo('client.example')
    mail = s.mail('someone@client.example')
    rcpt = s.rcpt('someone@remote.example')
    s.quit()
    return {'mail': mail[0], 'rcpt': rcpt[0], 'text': rcpt[1].decode()}


def lines(sock):
    return sock.makefile('rb')


def pop(a):
    s = socket.create_connection(('127.0.0.1', a['port']), timeout=30, source_address=(a['source'], 0))
    f = lines(s)
    replies = [f.readline().decode().strip()]
    for c in ['USER %s' % a['user'], 'PASS %s' % a['password'], 'STAT', 'QUIT']:
        s.sendall(c.encode() + b'\r\n')
        replies.append(f.readline().decode().strip())
    s.close()
    return {'replies': replies}


def forge(a):
    s = socket.create_connection(('127.0.0.1', a['port']), timeout=30, source_address=(a['source'], 0))
    f = lines(s)

    def reply():
        out = []
        while True:
            line = f.readline().decode()
            if line == '':
                return out
            out.append(line.strip())
            if line[3:4] != '-':
                return out

    reply()
    s.sendall(b'EHLO forger.example\r\n')
    ehlo = reply()
    nonce = next((l[4:].split(' ')[1] for l in ehlo if l[4:].upper().startswith('XPROXYEHLO ')), None)
    claims = '10.9.8.7 trusted.example AUTH=%s RELAY' % a['user']
    proof = hmac.new(a['password'].encode(), ('%s %s' % (nonce or '', claims)).encode(), hashlib.sha256).hexdigest()
    s.sendall(('XPROXYEHLO %s %s\r\n' % (proof, claims)).encode())
    answer = reply()
    try:
        s.sendall(b'MAIL FROM:<x@client.example>\r\n')
        after = reply()
    except OSError:
        after = []
    s.close()
    return {'offered': nonce is not None, 'answer': answer, 'after': after}


if __name__ == '__main__':
    action, args = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps(globals()[action](args)))
