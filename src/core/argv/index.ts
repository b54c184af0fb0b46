export {parseNssArgv} from './nss_argv.js'
export type {ArgvStyle, FlagSpec, FlagValue, NssSyntax, ParsedArgv} from './types.js'
