"""Real Python mail clients against a running msgctl daemon.

argv: a JSON object {host, ca, user, password, to, message_file, ports:{imap, imaps, pop, pops, smtp, smtps, submission}}.
Sends the message three ways (SMTP with STARTTLS, SMTPS, submission with STARTTLS and AUTH),
reads INBOX back over IMAP (IMAP4_SSL and STARTTLS) and POP3 (POP3_SSL and STLS), and prints
a JSON report: what each client saw. Certificates are verified against `ca` for host name `host`.
"""
import imaplib, json, poplib, smtplib, ssl, sys

cfg = json.loads(sys.argv[1])
host, ports = cfg['host'], cfg['ports']
ctx = ssl.create_default_context(cafile=cfg['ca'])
message = open(cfg['message_file'], 'rb').read()
report = {}

def send(name, smtp, login=False):
    with smtp as s:
        s.ehlo('client.example')
        if name == 'starttls':
            s.starttls(context=ctx)
            s.ehlo('client.example')
        if login:
            s.login(cfg['user'], cfg['password'])
        refused = s.sendmail('sender@client.example', [cfg['to']], message)
        report['send_' + name] = {'refused': list(refused.keys()), 'tls': isinstance(s.sock, ssl.SSLSocket)}

send('starttls', smtplib.SMTP(host, ports['smtp'], timeout=20))
send('smtps', smtplib.SMTP_SSL(host, ports['smtps'], context=ctx, timeout=20), login=True)  # RFC 8314 submissions: AUTH expected
# Submission needs STARTTLS then AUTH.
with smtplib.SMTP(host, ports['submission'], timeout=20) as s:
    s.ehlo('client.example')
    s.starttls(context=ctx)
    s.ehlo('client.example')
    s.login(cfg['user'], cfg['password'])
    report['send_submission'] = {'refused': list(s.sendmail(cfg['to'], [cfg['to']], message).keys()), 'tls': True}

def imap_read(m, name):
    typ, _ = m.login(cfg['user'], cfg['password'])
    typ, data = m.select('INBOX')
    count = int(data[0])
    typ, data = m.fetch(b'1:*', '(BODY.PEEK[])')
    bodies = [part[1] for part in data if isinstance(part, tuple)]
    report['imap_' + name] = {'count': count, 'tls': isinstance(m.sock, ssl.SSLSocket), 'bodies': [b.hex() for b in bodies]}
    m.logout()

imap_read(imaplib.IMAP4_SSL(host, ports['imaps'], ssl_context=ctx, timeout=20), 'ssl')
m = imaplib.IMAP4(host, ports['imap'], timeout=20)
m.starttls(ssl_context=ctx)
imap_read(m, 'starttls')

def pop_read(p, name):
    p.user(cfg['user'])
    p.pass_(cfg['password'])
    count, _ = p.stat()
    bodies = []
    for i in range(1, count + 1):
        resp, lines, octets = p.retr(i)
        bodies.append(b'\r\n'.join(lines) + b'\r\n')
    uidl = [u.decode() for u in p.uidl()[1]]
    report['pop_' + name] = {'count': count, 'tls': isinstance(p.sock, ssl.SSLSocket), 'bodies': [b.hex() for b in bodies], 'uidl': uidl}
    p.quit()

pop_read(poplib.POP3_SSL(host, ports['pops'], context=ctx, timeout=20), 'ssl')
p = poplib.POP3(host, ports['pop'], timeout=20)
p.stls(context=ctx)
pop_read(p, 'stls')
print(json.dumps(report))
