import {main} from './main.js'

/**
 * When oclif itself invokes a command class (e.g. `msgctl` run through oclif's
 * own entry), hand the raw argv to the same dispatcher the bin shims use, so
 * there is one parser and one code path.
 */
export async function runFromOclif(id: string, argv: string[]): Promise<void> {
  await main(undefined, [...id.split(':'), ...argv])
}
