// Writes oclif.manifest.json from the compiled commands, so that neither
// oclif nor our dispatcher scans command files at start-up.
import {rmSync, writeFileSync} from 'node:fs'
import {Config} from '@oclif/core'

const root = new URL('..', import.meta.url).pathname
rmSync(`${root}/oclif.manifest.json`, {force: true}) // a stale one would be read back
const config = await Config.load({root})
const plugin = config.getPluginsList().find((p) => p.root === config.root)
if (!plugin) throw new Error('cannot find the msgctl plugin')
const manifest = {version: config.version, commands: plugin.manifest.commands}
writeFileSync(`${root}/oclif.manifest.json`, JSON.stringify(manifest, null, 2) + '\n')
console.log(`oclif.manifest.json: ${Object.keys(manifest.commands).length} commands`)
