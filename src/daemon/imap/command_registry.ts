import type {ImapCommand} from './command.js'
import {appendCommand} from './commands/append.js'
import {authenticateCommand} from './commands/authenticate.js'
import {capabilityCommand} from './commands/capability.js'
import {checkCommand} from './commands/check.js'
import {closeCommand} from './commands/close.js'
import {plainCopyCommand, uidCopyCommand} from './commands/copy.js'
import {createCommand} from './commands/create.js'
import {deleteCommand} from './commands/delete.js'
import {enableCommand} from './commands/enable.js'
import {examineCommand} from './commands/examine.js'
import {expungeCommand, uidExpungeCommand} from './commands/expunge.js'
import {plainFetchCommand, uidFetchCommand} from './commands/fetch.js'
import {idCommand} from './commands/id.js'
import {idleCommand} from './commands/idle.js'
import {listCommand} from './commands/list.js'
import {loginCommand} from './commands/login.js'
import {logoutCommand} from './commands/logout.js'
import {lsubCommand} from './commands/lsub.js'
import {plainMoveCommand, uidMoveCommand} from './commands/move.js'
import {namespaceCommand} from './commands/namespace.js'
import {noopCommand} from './commands/noop.js'
import {renameCommand} from './commands/rename.js'
import {plainSearchCommand, uidSearchCommand} from './commands/search.js'
import {selectCommand} from './commands/select.js'
import {starttlsCommand} from './commands/starttls.js'
import {statusCommand} from './commands/status.js'
import {plainStoreCommand, uidStoreCommand} from './commands/store.js'
import {subscribeCommand} from './commands/subscribe.js'
import {unselectCommand} from './commands/unselect.js'
import {unsubscribeCommand} from './commands/unsubscribe.js'

/** Every command the session knows, by upper-case name ("UID FETCH" for UID forms). */
export const COMMANDS: ReadonlyMap<string, ImapCommand> = new Map(
  [
    capabilityCommand, noopCommand, logoutCommand, starttlsCommand, loginCommand, authenticateCommand, idCommand,
    namespaceCommand, enableCommand, selectCommand, examineCommand, createCommand, deleteCommand, renameCommand,
    subscribeCommand, unsubscribeCommand, listCommand, lsubCommand, statusCommand, appendCommand, checkCommand,
    closeCommand, unselectCommand, expungeCommand, uidExpungeCommand, plainSearchCommand, uidSearchCommand,
    plainFetchCommand, uidFetchCommand, plainStoreCommand, uidStoreCommand, plainCopyCommand, uidCopyCommand,
    plainMoveCommand, uidMoveCommand, idleCommand,
  ].map((c) => [c.name, c]),
)
