/** The IMAP connection states (RFC 3501 §3). */
export type SessionState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout'

export const ANY_STATE: readonly SessionState[] = ['not-authenticated', 'authenticated', 'selected', 'logout']
export const AUTHENTICATED: readonly SessionState[] = ['authenticated', 'selected']
export const SELECTED: readonly SessionState[] = ['selected']
export const NOT_AUTHENTICATED: readonly SessionState[] = ['not-authenticated']
