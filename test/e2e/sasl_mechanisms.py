"""Every SASL mechanism (and USER/PASS, APOP) on IMAP, SMTP and POP3, by Python's own clients.

argv: a JSON object {host, user, password, hostname, ports: {imaps, smtps, pops}, only?: ["imap PLAIN", ...]}.
The mechanisms are computed here from the RFCs (2195 CRAM-MD5, 2831 DIGEST-MD5,
5802/7677 SCRAM), independently of the server. Prints JSON:
{offered: {imap, smtp, pop}, results: {"imap PLAIN": "OK" | "NO ..." , ...}}.
"""
import base64, hashlib, hmac, imaplib, json, os, poplib, smtplib, ssl, sys

cfg = json.loads(sys.argv[1])
host, user, password, server_name = cfg['host'], cfg['user'], cfg['password'], cfg['hostname']
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE


def directives(text):
    out, key, i = {}, '', 0
    for part in __import__('re').findall(r'([a-zA-Z-]+)=("(?:[^"\\]|\\.)*"|[^,]*)', text):
        k, v = part
        out[k] = v[1:-1] if v.startswith('"') else v
    return out


class Mechanism:
    """Client side of one mechanism: step(challenge bytes or None) -> response bytes."""
    def __init__(self, name, service):
        self.name, self.service, self.state = name, service, 0

    def step(self, challenge):
        n = self.name
        if n == 'PLAIN':
            return b'\0' + user.encode() + b'\0' + password.encode()
        if n == 'LOGIN':
            self.state += 1
            return user.encode() if self.state == 1 else password.encode()
        if n == 'CRAM-MD5':
            return (user + ' ' + hmac.new(password.encode(), challenge, 'md5').hexdigest()).encode()
        if n == 'DIGEST-MD5':
            if self.state == 1:
                return b''  # after rspauth
            self.state = 1
            d = directives(challenge.decode())
            realm, nonce = d.get('realm', ''), d['nonce']
            cnonce, nc, qop = base64.b64encode(os.urandom(12)).decode(), '00000001', 'auth'
            uri = f'{self.service}/{server_name}'
            a1 = hashlib.md5(f'{user}:{realm}:{password}'.encode()).digest() + f':{nonce}:{cnonce}'.encode()
            ha1 = hashlib.md5(a1).hexdigest()
            ha2 = hashlib.md5(f'AUTHENTICATE:{uri}'.encode()).hexdigest()
            response = hashlib.md5(f'{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}'.encode()).hexdigest()
            return (f'charset=utf-8,username="{user}",realm="{realm}",nonce="{nonce}",nc={nc},cnonce="{cnonce}",'
                    f'digest-uri="{uri}",response={response},qop={qop}').encode()
        if n.startswith('SCRAM-'):
            algo = 'sha256' if n == 'SCRAM-SHA-256' else 'sha1'
            if self.state == 0:
                self.state, self.nonce = 1, base64.b64encode(os.urandom(18)).decode()
                self.bare = f'n={user},r={self.nonce}'
                return ('n,,' + self.bare).encode()
            if self.state == 1:
                self.state = 2
                first = challenge.decode()
                f = dict(x.split('=', 1) for x in first.split(','))
                if not f['r'].startswith(self.nonce):
                    raise ValueError('server nonce does not extend ours')
                salted = hashlib.pbkdf2_hmac(algo, password.encode(), base64.b64decode(f['s']), int(f['i']))
                client_key = hmac.new(salted, b'Client Key', algo).digest()
                stored = hashlib.new(algo, client_key).digest()
                without = f'c=biws,r={f["r"]}'
                auth = f'{self.bare},{first},{without}'.encode()
                sig = hmac.new(stored, auth, algo).digest()
                self.server_sig = base64.b64encode(hmac.new(hmac.new(salted, b'Server Key', algo).digest(), auth, algo).digest()).decode()
                proof = base64.b64encode(bytes(a ^ b for a, b in zip(client_key, sig))).decode()
                return f'{without},p={proof}'.encode()
            if challenge.decode() != 'v=' + self.server_sig:
                raise ValueError('wrong server signature')
            return b''
        raise ValueError(n)


results, offered = {}, {}

def imap(mech):
    m = imaplib.IMAP4_SSL(host, cfg['ports']['imaps'], ssl_context=ctx, timeout=20)
    offered['imap'] = sorted(c[5:] for c in m.capabilities if c.startswith('AUTH='))
    try:
        if mech == 'LOGIN-COMMAND':
            typ, _ = m.login(user, password)
        else:
            mm = Mechanism(mech, 'imap')
            typ, _ = m.authenticate(mech, lambda challenge: mm.step(challenge))
        return typ
    except Exception as e:
        return 'NO ' + str(e)[:120]
    finally:
        try: m.logout()
        except Exception: pass

def smtp(mech):
    s = smtplib.SMTP_SSL(host, cfg['ports']['smtps'], context=ctx, timeout=20)
    s.ehlo('client.example')
    offered['smtp'] = sorted(s.esmtp_features.get('auth', '').split())
    mm = Mechanism(mech, 'smtp')
    try:
        code, _ = s.auth(mech, lambda challenge=None: mm.step(challenge).decode() if challenge is not None or mech in ('PLAIN', 'SCRAM-SHA-1', 'SCRAM-SHA-256') else None, initial_response_ok=mech in ('PLAIN', 'SCRAM-SHA-1', 'SCRAM-SHA-256'))
        return 'OK' if code == 235 else f'NO {code}'
    except Exception as e:
        return 'NO ' + str(e)[:120]
    finally:
        try: s.quit()
        except Exception: pass

def pop(mech):
    p = poplib.POP3_SSL(host, cfg['ports']['pops'], context=ctx, timeout=20)
    offered['pop'] = sorted(p.capa().get('SASL', []))
    try:
        if mech == 'USER/PASS':
            p.user(user)
            p.pass_(password)
        elif mech == 'APOP':
            p.apop(user, password)
        else:
            mm = Mechanism(mech, 'pop')
            p._putcmd('AUTH ' + mech)
            while True:
                line = p._getline()[0]
                if line.startswith(b'+OK'):
                    break
                if line.startswith(b'-ERR'):
                    raise poplib.error_proto(line)
                challenge = base64.b64decode(line[2:]) if len(line) > 2 else b''
                p._putcmd(base64.b64encode(mm.step(challenge)).decode())
        return 'OK'
    except Exception as e:
        return 'NO ' + str(e)[:120]
    finally:
        try: p.quit()
        except Exception: pass

SASL = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'DIGEST-MD5', 'SCRAM-SHA-1', 'SCRAM-SHA-256']
only = cfg.get('only')  # e.g. ["imap PLAIN"]: just these
for protocol, run, mechs in [('imap', imap, SASL + ['LOGIN-COMMAND']), ('smtp', smtp, SASL), ('pop', pop, SASL + ['USER/PASS', 'APOP'])]:
    for mech in mechs:
        if only is None or f'{protocol} {mech}' in only:
            results[f'{protocol} {mech}'] = run(mech)
print(json.dumps({'offered': offered, 'results': results}))
