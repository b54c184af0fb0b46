/**
 * A failed login answers no sooner than a fixed time after it began, so the
 * reply time tells nothing about why it failed (unknown user, wrong password,
 * slow hash) and guessing is slowed down.
 */
export const AUTH_FAILURE_DELAY_MS = 1000

export async function waitUntilElapsed(startedAt: number, ms: number): Promise<void> {
  const left = startedAt + ms - Date.now()
  if (left > 0) await new Promise<void>((resolve) => setTimeout(resolve, left))
}
