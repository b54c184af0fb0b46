/** The daemon's front-end proxy role (the seed's multiplexor with its SMTP proxy). */
export {ProxyFrontEnd} from './front_end.js'
export {ProxyConfigError} from './proxy_config.js'
export type {RelayStatus} from './relay_pool.js'
export {parseRole, roleOf, type DaemonRole} from './role.js'
