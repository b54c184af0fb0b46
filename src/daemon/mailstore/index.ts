export {openMailStore, MAX_MESSAGE_BYTES} from './sqlite_mail_store.js'
export type {MailStoreOptions} from './sqlite_mail_store.js'
export {MailStoreError} from './types.js'
export type {FlagMode, MailboxChange, MailboxInfo, MailboxStatus, MailStore, MessageSummary, SystemFlag} from './types.js'
