import assert from 'node:assert/strict'
import {test} from 'node:test'
import {GracefulShutdown} from '../../src/daemon/graceful_shutdown.js'

test('a stop waits for the command in flight, and comes at once when none runs', async () => {
  const said: string[] = []
  const idle = new GracefulShutdown(() => said.push('idle bye'))
  idle.run(undefined)
  assert.equal(said.length, 0)
  idle.request()
  assert.deepEqual(said, ['idle bye'])

  let finish: () => void = () => undefined
  const busy = new GracefulShutdown(() => said.push('busy bye'))
  const running = busy.run(new Promise<void>((r) => (finish = r)))
  busy.request()
  assert.deepEqual(said, ['idle bye'], 'not while the command runs')
  finish()
  await running
  assert.deepEqual(said, ['idle bye', 'busy bye'])
})
