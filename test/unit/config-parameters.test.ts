import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {resolve} from 'node:path'
import {test} from 'node:test'
import {PARAMETERS} from '../../src/core/config/parameters.js'
import type {ParamDef} from '../../src/core/config/types.js'

const SEED = resolve('..', 'shared', 'seed', 'messaging-server-security-chapter.txt')
const byName = new Map(PARAMETERS.map((p) => [p.name, p]))
const get = (name: string): ParamDef => {
  const d = byName.get(name)
  assert.ok(d, `${name} is registered`)
  return d
}

test('names are unique, lower case and sorted', () => {
  const names = PARAMETERS.map((p) => p.name)
  assert.equal(new Set(names).size, names.length)
  assert.deepEqual(names, [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
  for (const n of names) {
    assert.equal(n, n.toLowerCase())
    assert.match(n, /^[a-z0-9_]+(\.[a-z0-9_]+)+$|^[a-z0-9_]+$/)
  }
  assert.ok(Object.isFrozen(PARAMETERS))
})

test('every default is valid for its kind and every entry is well formed', () => {
  for (const p of PARAMETERS) {
    const where = `${p.name} (${p.kind}, default ${JSON.stringify(p.default)})`
    assert.ok(p.description.length > 20 && p.description.length < 400, `${p.name}: description length`)
    assert.ok(!/\n/.test(p.description), `${p.name}: description is one paragraph`)
    if (p.kind !== 'int') assert.ok(p.min === undefined && p.max === undefined && p.unit === undefined, `${where}: min/max/unit only for int`)
    if (p.kind !== 'enum' && p.kind !== 'list') assert.equal(p.values, undefined, `${where}: values only for enum/list`)
    if (p.kind === 'list') assert.ok(p.separator === ' ' || p.separator === ',', `${where}: list needs a separator`)
    else assert.equal(p.separator, undefined, `${where}: separator only for list`)
    switch (p.kind) {
      case 'bool':
        assert.ok(p.default === 'yes' || p.default === 'no', where)
        break
      case 'port': {
        const n = Number(p.default)
        assert.ok(/^\d+$/.test(p.default) && n >= 1 && n <= 65535, where)
        break
      }
      case 'int': {
        assert.match(p.default, /^-?\d+$/, where)
        const n = Number(p.default)
        if (p.min !== undefined) assert.ok(n >= p.min, `${where}: below min ${p.min}`)
        if (p.max !== undefined) assert.ok(n <= p.max, `${where}: above max ${p.max}`)
        if (p.min !== undefined && p.max !== undefined) assert.ok(p.min <= p.max, where)
        break
      }
      case 'enum':
        assert.ok(p.values && p.values.length > 0, `${where}: enum needs values`)
        assert.ok(p.values.includes(p.default), `${where}: default not among ${p.values.join(', ')}`)
        break
      case 'ldapfilter':
        if (p.default !== '') assert.match(p.default, /^\(.*\)$/, where)
        break
      case 'secret':
        assert.equal(p.default, '', `${where}: secrets have no default`)
        break
      default:
        break
    }
  }
})

test('every parameter the seed chapter names is registered', () => {
  const text = readFileSync(SEED, 'utf8')
  const found = new Set<string>()
  for (const m of text.matchAll(/\b(?:service|sasl|encryption|local)\.[A-Za-z0-9_.{}|]*[A-Za-z0-9_}]|\bnsserversecurity\b/gi)) {
    found.add(m[0].toLowerCase())
  }
  const expanded = new Set<string>()
  for (const name of found) {
    // `service.{imap|pop|http}.x` and the placeholder `service.service.x` mean each service.
    const brace = /\{([a-z|]+)\}/.exec(name)
    if (brace) for (const svc of brace[1]!.split('|')) expanded.add(name.replace(brace[0], svc))
    else if (name.startsWith('service.service.')) for (const svc of ['imap', 'pop', 'http']) expanded.add(name.replace('service.service.', `service.${svc}.`))
    else expanded.add(name)
  }
  assert.ok(expanded.size >= 25, `found ${expanded.size} names in the seed`)
  const missing = [...expanded].filter((n) => !byName.has(n))
  assert.deepEqual(missing, [])
})

test('the reference sample for -m -p service.pop matches', () => {
  const expect: [string, string, boolean][] = [
    ['service.pop.allowanonymouslogin', 'no', true],
    ['service.pop.banner', '%h %p service (%P %V)', true],
    ['service.pop.enable', 'yes', false],
    ['service.pop.enablesslport', 'no', false],
    ['service.pop.idletimeout', '10', true],
    ['service.pop.maxsessions', '600', false],
    ['service.pop.maxthreads', '250', false],
  ]
  for (const [name, dflt, refreshable] of expect) {
    const d = get(name)
    assert.equal(d.default, dflt, name)
    assert.equal(d.refreshable, refreshable, name)
  }
})

test('documented defaults, kinds and ranges', () => {
  const cases: [string, ParamDef['kind'], string][] = [
    ['service.imap.port', 'port', '143'],
    ['service.imap.sslport', 'port', '993'],
    ['service.pop.port', 'port', '110'],
    ['service.pop.sslport', 'port', '995'],
    ['service.http.port', 'port', '80'],
    ['service.http.sslport', 'port', '443'],
    ['service.smtp.port', 'port', '25'],
    ['service.smtp.submissionport', 'port', '587'],
    ['service.smtp.sslport', 'port', '465'],
    ['service.http.sessiontimeout', 'int', '7200'],
    ['sasl.default.ldap.has_plain_passwords', 'bool', 'no'],
    ['sasl.default.auto_transition', 'bool', 'no'],
    ['sasl.default.mech_list', 'list', ''],
    ['sasl.default.ldap.searchfilter', 'ldapfilter', '(&(uid=%U)(objectclass=inetmailuser))'],
    ['sasl.default.ldap.searchfordomain', 'int', '1'],
    ['nsserversecurity', 'bool', 'no'],
    ['encryption.rsa.nsssltoken', 'string', 'internal'],
    ['encryption.rsa.nssslpersonalityssl', 'string', 'Server-Cert'],
    ['encryption.nsssl3ciphers', 'list', ''],
    ['encryption.tlsminversion', 'enum', 'TLSv1.2'],
    ['local.ugldaphost', 'hostlist', ''],
    ['local.ugldapport', 'port', '389'],
    ['local.ugldapusessl', 'bool', 'no'],
    ['local.ugldapbasedn', 'dn', ''],
    ['local.ugldapbinddn', 'dn', ''],
    ['local.ugldapbindcred', 'secret', ''],
    ['local.ldapcheckcert', 'bool', 'yes'],
    ['local.service.pab.ldapport', 'port', '389'],
    ['local.service.proxy.imapport', 'port', '143'],
    ['local.service.proxy.adminpass', 'secret', ''],
    ['service.smtp.popbeforesmtpttl', 'int', '900'],
    ['local.proxy.role', 'enum', 'server'],
    ['local.proxy.smtprelays', 'hostlist', ''],
    ['local.proxy.smtpproxypassword', 'secret', ''],
    ['local.proxy.failovertimeout', 'int', '10'],
    ['local.proxy.authservicettl', 'int', '900'],
  ]
  for (const [name, kind, dflt] of cases) {
    const d = get(name)
    assert.equal(d.kind, kind, name)
    assert.equal(d.default, dflt, name)
  }
  assert.equal(get('sasl.default.transition_criteria').obsolete, true)
  assert.equal(get('sasl.default.mech_list').separator, ' ')
  assert.equal(get('encryption.nsssl3ciphers').separator, ',')
  assert.equal(get('local.proxy.ehlokeywords').separator, ' ')
  assert.deepEqual(get('encryption.tlsminversion').values, ['TLSv1.2', 'TLSv1.3'])
  assert.deepEqual([get('sasl.default.ldap.searchfordomain').min, get('sasl.default.ldap.searchfordomain').max], [0, 1])
  for (const svc of ['imap', 'pop', 'http', 'smtp']) {
    const c = get(`service.${svc}.plaintextmincipher`)
    assert.deepEqual([c.kind, c.default, c.min, c.max], ['int', '0', -1, 1024])
    assert.equal(get(`service.${svc}.idletimeout`).min, 0)
    assert.equal(get(`service.${svc}.idletimeout`).unit, 'minutes')
    assert.equal(get(`service.${svc}.maxsessions`).min, 1)
    assert.equal(get(`service.${svc}.domainallowed`).kind, 'filter')
    assert.equal(get(`service.${svc}.domainnotallowed`).kind, 'filter')
  }
  assert.equal(get('service.http.proxydomainallowed').kind, 'filter')
})

test('restart-only and reloadable parameters follow the rule', () => {
  for (const p of PARAMETERS) {
    const last = p.name.split('.').at(-1)!
    if (/^(enable|enablesslport|port|sslport|submissionport|maxsessions|maxthreads|numprocesses)$/.test(last) && p.name.startsWith('service.')) {
      assert.equal(p.refreshable, false, `${p.name} needs a restart`)
    }
    if (/^(domainallowed|domainnotallowed|proxydomainallowed|banner|idletimeout|sessiontimeout)$/.test(last)) {
      assert.equal(p.refreshable, true, `${p.name} is re-read on reload`)
    }
  }
  for (const name of ['local.proxy.role', 'local.daemon.user']) assert.equal(get(name).refreshable, false, name)
  for (const name of ['sasl.default.mech_list', 'sasl.default.ldap.searchfilter', 'local.ugldaphost', 'encryption.rsa.nssslpersonalityssl', 'encryption.rsa.nsssltoken', 'encryption.nsssl3ciphers']) {
    assert.equal(get(name).refreshable, true, name)
  }
})

test('filter descriptions point to the filter syntax', () => {
  for (const p of PARAMETERS.filter((d) => d.kind === 'filter')) assert.match(p.description, /Filter Syntax/, p.name)
})

test('default listeners do not clash', () => {
  const used = new Map<string, string>()
  for (const svc of ['imap', 'pop', 'smtp', 'http']) {
    const ports = [`service.${svc}.port`, `service.${svc}.submissionport`, `service.${svc}.sslport`]
    for (const name of ports) {
      const d = byName.get(name)
      if (!d) continue
      assert.ok(!used.has(d.default), `${name} default ${d.default} also used by ${used.get(d.default)}`)
      used.set(d.default, name)
    }
  }
})
