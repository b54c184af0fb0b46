/** Counters for the health endpoint; they start at zero with the daemon. */
export class HttpCounters {
  requests = 0
  loginsSucceeded = 0
  loginsFailed = 0
  certificateLogins = 0
  proxyLogins = 0
  proxyRefused = 0
  messagesSent = 0
  csrfRefused = 0
}
