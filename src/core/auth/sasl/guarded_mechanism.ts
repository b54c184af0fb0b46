import {fail, type SaslMechanism, type SaslStep} from './mechanism.js'

/**
 * Wraps a mechanism so that no client input and no directory outage can
 * escape as an exception, and so the exchange follows its order: one start,
 * then `next` only after a challenge, nothing after an outcome.
 */
export function guardMechanism(inner: SaslMechanism): SaslMechanism {
  let state: 'new' | 'waiting' | 'done' = 'new'
  const settle = async (run: () => Promise<SaslStep>): Promise<SaslStep> => {
    let step: SaslStep
    try {
      step = await run()
    } catch {
      // A mechanism only throws when the directory does (or on a bug): never blame the client's credentials.
      step = fail('unavailable', 'the authentication service is temporarily unavailable')
    }
    state = step.kind === 'challenge' ? 'waiting' : 'done'
    return step
  }
  return {
    name: inner.name,
    start(initialResponse) {
      if (state !== 'new') return Promise.resolve(fail('malformed', 'the exchange has already started'))
      return settle(() => inner.start(initialResponse))
    },
    next(response) {
      if (state !== 'waiting') return Promise.resolve(fail('malformed', 'no challenge is outstanding'))
      return settle(() => inner.next(response))
    },
  }
}
