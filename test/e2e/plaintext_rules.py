"""plaintextmincipher seen by real clients. argv: JSON {ca, user, password, ports}.
Prints JSON: what each protocol advertised and allowed before and after STARTTLS."""
import imaplib, json, poplib, smtplib, ssl, sys

cfg = json.loads(sys.argv[1])
ctx = ssl.create_default_context(cafile=cfg['ca'])
out = {}

m = imaplib.IMAP4('localhost', cfg['ports']['imap'], timeout=20)
out['imap_caps_before'] = list(m.capabilities)
try:
    m.login(cfg['user'], cfg['password'])
    out['imap_login_before'] = 'OK'
except imaplib.IMAP4.error as e:
    out['imap_login_before'] = str(e)
m.starttls(ssl_context=ctx)
out['imap_caps_after'] = list(m.capabilities)
out['imap_login_after'] = m.login(cfg['user'], cfg['password'])[0]
m.logout()

p = poplib.POP3('localhost', cfg['ports']['pop'], timeout=20)
out['pop_capa_before'] = sorted(p.capa().keys())
try:
    p.user(cfg['user'])
    p.pass_(cfg['password'])
    out['pop_login_before'] = 'OK'
except poplib.error_proto as e:
    out['pop_login_before'] = str(e)
p.stls(context=ctx)
out['pop_capa_after'] = sorted(p.capa().keys())
p.user(cfg['user'])
out['pop_login_after'] = p.pass_(cfg['password']).decode()[:3]
p.quit()

s = smtplib.SMTP('localhost', cfg['ports']['submission'], timeout=20)
s.ehlo('client.example')
out['smtp_auth_before'] = s.esmtp_features.get('auth', '')
s.starttls(context=ctx)
s.ehlo('client.example')
out['smtp_auth_after'] = s.esmtp_features.get('auth', '')
out['smtp_login_after'] = s.login(cfg['user'], cfg['password'])[0]
s.quit()
print(json.dumps(out))
