import {timingSafeEqual} from 'node:crypto'

/** Constant-time comparison that is simply false for different lengths (timingSafeEqual throws). */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}
