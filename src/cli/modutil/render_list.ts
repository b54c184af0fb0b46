/**
 * modutil -list layouts (reference §2.4, §2.5): the summary of every module
 * with its slots and tokens, and one module in detail. PKCS #11 text fields
 * keep their blank padding where NSS prints them padded.
 */
import type {ModuleView, SlotView} from '../../core/modules/index.js'

const RULE = '-----------------------------------------------------------'

/** RFC 7512 percent-encoding as NSS writes it: unreserved and a few path characters stay. */
export function pk11UriValue(text: string): string {
  let out = ''
  for (const byte of Buffer.from(text.trimEnd(), 'utf8')) {
    const ch = String.fromCharCode(byte)
    out += /[A-Za-z0-9\-._~:[\]@!$'()*+,=&]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

export function moduleUri(m: ModuleView): string {
  return `pkcs11:library-manufacturer=${pk11UriValue(m.manufacturer)};library-description=${pk11UriValue(m.description)};library-version=${m.libraryVersion}`
}

export function tokenUri(s: SlotView): string {
  const t = s.token!
  return `pkcs11:token=${pk11UriValue(t.name)};manufacturer=${pk11UriValue(t.manufacturer)};serial=${pk11UriValue(t.serialNumber)};model=${pk11UriValue(t.model)}`
}

/** modutil -list. */
export function renderModuleList(modules: readonly ModuleView[]): string {
  const blocks = modules.map((m, i) => {
    const lines = [`${String(i + 1).padStart(3)}. ${m.record.name}`]
    if (!m.record.internal) lines.push(`\tlibrary name: ${m.record.library}`)
    if (m.loaded) lines.push(`\t   uri: ${moduleUri(m)}`)
    lines.push(`\t slots: ${m.slots.length} slot${m.slots.length === 1 ? '' : 's'} attached`, `\tstatus: ${m.loaded ? 'loaded' : 'not loaded'}`)
    for (const s of m.slots) {
      lines.push('', `\t slot: ${s.name}`, `\ttoken: ${s.token ? s.token.name.trimEnd() : ''}`)
      if (s.token) lines.push(`\t  uri: ${tokenUri(s)}`)
    }
    return lines.join('\n') + '\n'
  })
  return `\nListing of PKCS #11 Modules\n${RULE}\n${blocks.join('\n')}${RULE}\n`
}

const flags = (list: string) => (list === '' ? 'None' : list)

/** modutil -list MODULE. */
export function renderModuleDetail(m: ModuleView): string {
  const lines = [
    '', RULE, `Name: ${m.record.name}`, `Library file: ${m.record.internal ? '**Internal ONLY module**' : m.record.library}`,
  ]
  if (!m.loaded) {
    lines.push(`Status: not loaded (${m.loadError})`, `Default Mechanism Flags: ${flags(m.record.defaultMechanisms)}`, '', RULE)
    return lines.join('\n') + '\n'
  }
  lines.push(
    `Manufacturer: ${m.manufacturer}`, `Description: ${m.description}`, `PKCS #11 Version ${m.cryptokiVersion}`, `Library Version: ${m.libraryVersion}`,
    `Cipher Enable Flags: ${flags(m.record.ciphers)}`, `Default Mechanism Flags: ${flags(m.record.defaultMechanisms)}`, '',
  )
  for (const s of m.slots) {
    lines.push(
      `  Slot: ${s.name}`, `  Slot Mechanism Flags: ${flags(s.mechanisms)}`, `  Manufacturer: ${s.manufacturer}`, `  Type: ${s.hardware ? 'Hardware' : 'Software'}`,
      `  Version Number: ${s.version}`, `  Firmware Version: ${s.firmwareVersion}`, `  Status: ${s.disabled ? 'DISABLED (user disabled)' : 'Enabled'}`,
    )
    const t = s.token
    if (t) {
      lines.push(
        `  Token Name: ${t.name}`, `  Token Manufacturer: ${t.manufacturer}`, `  Token Model: ${t.model}`, `  Token Serial Number: ${t.serialNumber}`,
        `  Token Version: ${t.version}`, `  Token Firmware Version: ${t.firmwareVersion}`, `  Access: ${t.writeProtected ? 'Write Protected' : 'NOT Write Protected'}`,
        `  Login Type: ${t.loginRequired ? 'Login required' : 'Public (no login required)'}`, `  User Pin: ${t.userPinInitialized ? 'Initialized' : 'NOT Initialized'}`,
      )
    } else {
      lines.push('  Token: not present')
    }
    lines.push('')
  }
  lines.push(RULE)
  return lines.join('\n') + '\n'
}

/** --json: the same facts, padding trimmed. */
export function moduleJson(m: ModuleView): object {
  return {
    name: m.record.name,
    library: m.record.library,
    internal: m.record.internal,
    status: m.loaded ? 'loaded' : 'not loaded',
    ...(m.loadError ? {error: m.loadError} : {}),
    ...(m.loaded ? {uri: moduleUri(m), manufacturer: m.manufacturer.trimEnd(), description: m.description.trimEnd(), cryptokiVersion: m.cryptokiVersion, libraryVersion: m.libraryVersion} : {}),
    ciphers: m.record.ciphers === '' ? [] : m.record.ciphers.split(':'),
    defaultMechanisms: m.record.defaultMechanisms === '' ? [] : m.record.defaultMechanisms.split(':'),
    slots: m.slots.map((s) => ({
      name: s.name,
      manufacturer: s.manufacturer.trimEnd(),
      type: s.hardware ? 'hardware' : 'software',
      version: s.version,
      firmwareVersion: s.firmwareVersion,
      enabled: !s.disabled,
      mechanisms: s.mechanisms === '' ? [] : s.mechanisms.split(':'),
      token: s.token && {
        name: s.token.name.trimEnd(), uri: tokenUri(s), manufacturer: s.token.manufacturer.trimEnd(), model: s.token.model.trimEnd(),
        serialNumber: s.token.serialNumber.trimEnd(), version: s.token.version, firmwareVersion: s.token.firmwareVersion,
        writeProtected: s.token.writeProtected, loginRequired: s.token.loginRequired, userPinInitialized: s.token.userPinInitialized,
      },
    })),
  }
}
