import type {ParsedArgv} from '../../core/argv/index.js'

export interface RunContext {
  /** The command id as invoked, for messages (`configutil`). */
  readonly tool: string
}

/** A command's body: parsed argv in, exit status out. Prints; never exits. */
export type CommandRun = (argv: ParsedArgv, ctx: RunContext) => Promise<number>
