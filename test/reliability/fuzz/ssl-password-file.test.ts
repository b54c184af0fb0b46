/**
 * sslpassword.conf ("token:password" lines) is read at every start and
 * reload. Property: parseSslPasswordFile returns the passwords or throws
 * SslPasswordFileError with a one-line message that never quotes the
 * offending line (it may be a bare password), within the time limit.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import fc from 'fast-check'
import {parseSslPasswordFile, SslPasswordFileError} from '../../../src/daemon/tls/index.js'
import {fuzzParams, MemoryWatch, outcomeOf, textInput} from './fuzz_config.js'

const SAMPLES = [
  'Internal (Software) Token:netscape!\n',
  '# comment\r\ninternal:p@ss:word\r\nNSS Certificate DB:other\n\n',
  'NSS Certificate DB:same\ninternal:same\n',
  'softhsm-token:1234\nInternal (Software) Token:\n',
]
const TOKENS = ['internal', 'Internal (Software) Token', 'NSS Certificate DB', ':', '\n', '\r\n', '#', ' ', '\t', 'pw']

test('parseSslPasswordFile: any text gives passwords or an SslPasswordFileError of one line that does not repeat a secret', () => {
  const memory = new MemoryWatch()
  fc.assert(
    fc.property(textInput(SAMPLES, TOKENS), (text) => {
      const parsed = outcomeOf('parseSslPasswordFile', text, () => parseSslPasswordFile(text, '/x/sslpassword.conf'), [SslPasswordFileError])
      if (!parsed.ok) {
        // A line without a colon may be a bare password: its text must not reach the log.
        const message = parsed.error.message
        const m = /line (\d+) has no colon/.exec(message)
        if (m !== null) {
          const line = (text.split('\n')[Number(m[1]) - 1] ?? '').replace(/\r$/, '').trim()
          const own = message.slice('/x/sslpassword.conf'.length, message.indexOf('; write each line'))
          assert.ok(line.length < 4 || !own.includes(line), `the message quotes the line ${JSON.stringify(line)}: ${message}`)
        }
      } else {
        for (const e of parsed.value.entries) assert.equal(typeof parsed.value.passwordFor(e.token), 'string')
      }
      memory.check('parseSslPasswordFile')
    }),
    fuzzParams(6),
  )
})
