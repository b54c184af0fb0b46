import {readFileSync} from 'node:fs'
import type {FlagSpec, NssSyntax} from '../core/argv/index.js'

/** The part of oclif.manifest.json the dispatcher reads. */
interface ManifestFlag {
  name: string
  type: 'boolean' | 'option'
  char?: string
  multiple?: boolean
}

export interface ManifestCommand {
  id: string
  flags: Record<string, ManifestFlag>
  nss?: NssSyntax
}

interface Manifest {
  version: string
  commands: Record<string, ManifestCommand>
}

const ROOT = new URL('../../../', import.meta.url)

let cached: Manifest | undefined

/** Reads the manifest the build wrote, so start-up never scans command files. */
export function loadManifest(): Manifest {
  if (!cached) {
    try {
      cached = JSON.parse(readFileSync(new URL('oclif.manifest.json', ROOT), 'utf8')) as Manifest
    } catch {
      throw new Error('oclif.manifest.json is missing: run `npm run build` first')
    }
  }
  return cached
}

export function flagSpecs(cmd: ManifestCommand): FlagSpec[] {
  return Object.values(cmd.flags).map((f) => ({
    name: f.name,
    ...(f.char ? {char: f.char} : {}),
    takesValue: f.type === 'option',
    ...(f.multiple ? {multiple: true} : {}),
  }))
}

export const PACKAGE_ROOT = ROOT
