import {Flags} from '@oclif/core'

/** The options every msgctl daemon and user command shares (start, stop, status, reload, restart, user *). */
export const storeDirFlag = Flags.string({char: 'd', helpValue: 'DIR', description: 'configuration directory holding msg.db (default $MSGCTL_HOME or ~/.msgctl)'})
export const helpFlag = Flags.help({char: 'h', description: 'show this help'})
