import type {Directory, ServiceSettings} from '../../src/daemon/session_types.js'

/** A directory of fixed users (name → password) for session tests; the real ones are tested against the store and slapd. */
export function testDirectory(users: Record<string, string>): Directory {
  return {
    verifyPassword: async (user, password) => (users[user.toLowerCase()] === password ? user.toLowerCase() : null),
    lookup: (user) => (user.toLowerCase() in users ? user.toLowerCase() : null),
  }
}

/** Session settings with test defaults; each test file gives what it cares about. */
export function testSettings(overrides: Partial<ServiceSettings> = {}): ServiceSettings {
  return {
    hostname: 'mail.example.test',
    banner: 'msgctl ready',
    idleTimeoutMs: 0,
    maxLineLength: 512,
    maxMessageSize: 1_000_000,
    plaintextMinCipher: 0,
    localDomains: ['example.test'],
    relayAllowed: false,
    submission: false,
    saslMechanisms: ['PLAIN', 'LOGIN'],
    apop: false,
    ...overrides,
  }
}
