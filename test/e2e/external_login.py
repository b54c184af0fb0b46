"""SASL EXTERNAL with a TLS client certificate, by Python's own clients.

argv: a JSON object {host, port, protocol: imaps|pops|smtps, cert?, key?}.
Prints JSON: {offered: [mechanisms advertised], ok: bool, reply: the server's answer}.
The server's certificate is not checked here (the tests check client certificates).
"""
import imaplib, json, poplib, smtplib, ssl, sys

cfg = json.loads(sys.argv[1])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
if cfg.get('cert'):
    ctx.load_cert_chain(cfg['cert'], cfg['key'])
host, port, protocol = cfg['host'], cfg['port'], cfg['protocol']
out = {}

if protocol == 'imaps':
    m = imaplib.IMAP4_SSL(host, port, ssl_context=ctx, timeout=20)
    out['offered'] = sorted(c[5:] for c in m.capabilities if c.startswith('AUTH='))
    try:
        typ, data = m.authenticate('EXTERNAL', lambda _: b'')
        out['ok'], out['reply'] = typ == 'OK', data[0].decode()
        typ, data = m.select('INBOX')
        out['select'] = typ
    except imaplib.IMAP4.error as e:
        out['ok'], out['reply'] = False, str(e)
    m.logout()
elif protocol == 'pops':
    p = poplib.POP3_SSL(host, port, context=ctx, timeout=20)
    out['offered'] = sorted(p.capa().get('SASL', []))
    try:
        out['reply'] = p._shortcmd('AUTH EXTERNAL =').decode()
        out['ok'] = True
        out['stat'] = list(p.stat())
    except poplib.error_proto as e:
        out['ok'], out['reply'] = False, e.args[0].decode() if isinstance(e.args[0], bytes) else str(e)
    p.quit()
elif protocol == 'smtps':
    s = smtplib.SMTP_SSL(host, port, context=ctx, timeout=20)
    s.ehlo('client.example')
    out['offered'] = sorted(s.esmtp_features.get('auth', '').split())
    code, msg = s.docmd('AUTH', 'EXTERNAL =')
    out['ok'], out['reply'] = code == 235, f'{code} {msg.decode()}'
    s.quit()
print(json.dumps(out))
