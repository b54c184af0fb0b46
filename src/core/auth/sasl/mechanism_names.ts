/** Every SASL mechanism this server implements, in the order it prefers them (strongest first). */
export const IMPLEMENTED_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'DIGEST-MD5', 'CRAM-MD5', 'PLAIN', 'LOGIN', 'EXTERNAL', 'ANONYMOUS'] as const

export type MechanismName = (typeof IMPLEMENTED_MECHANISMS)[number]

export function isImplementedMechanism(name: string): name is MechanismName {
  return (IMPLEMENTED_MECHANISMS as readonly string[]).includes(name)
}
