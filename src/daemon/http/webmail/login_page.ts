import {escapeHtml, layout} from './html.js'

export interface LoginPageOptions {
  readonly csrf: string
  readonly error?: string
  readonly notice?: string
  /** Pre-filled user name, e.g. after a failed attempt. */
  readonly user?: string
  /** False on plain HTTP when passwords must not cross the wire in clear. */
  readonly passwordLoginAllowed: boolean
  /** Where the HTTPS service is, to point the user at it. */
  readonly httpsUrl?: string
}

export function loginPage(o: LoginPageOptions): string {
  const parts: string[] = ['<h1>Log in</h1>']
  if (o.error) parts.push(`<p role="alert" class="error">${escapeHtml(o.error)}</p>`)
  if (o.notice) parts.push(`<p role="status" class="notice">${escapeHtml(o.notice)}</p>`)
  if (o.passwordLoginAllowed) {
    parts.push(
      '<form method="post" action="/login">',
      `<input type="hidden" name="csrf" value="${escapeHtml(o.csrf)}">`,
      '<label for="user">User name</label>',
      `<input type="text" name="user" id="user" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(o.user ?? '')}">`,
      '<label for="password">Password</label>',
      '<input type="password" name="password" id="password" autocomplete="current-password" required>',
      '<button type="submit" id="login">Log in</button>',
      '</form>',
    )
  } else if (o.httpsUrl !== undefined && /^https:\/\//i.test(o.httpsUrl)) {
    // Only an https: link: the point is to move the user onto TLS.
    parts.push(`<p id="https-only">Passwords are only accepted over HTTPS. <a href="${escapeHtml(o.httpsUrl)}">Log in over HTTPS</a>.</p>`)
  } else {
    parts.push('<p id="https-only">Passwords are only accepted over HTTPS, and password login is turned off on this connection.</p>')
  }
  return layout({title: 'Log in', body: parts.join('\n')})
}
