export {parseNssArgv} from './nss_argv.js'
export type {ArgvStyle, FlagSpec, FlagValue, NssSyntax, ParsedArgv} from './types.js'
export {parseBatchFile, BatchSyntaxError} from './batch_file.js'
export type {BatchLine} from './batch_file.js'
