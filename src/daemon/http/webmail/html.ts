/**
 * HTML building blocks for the web mail pages. Pages are plain strings: no
 * template engine, no scripts (the server's CSP forbids them), and every
 * dynamic value goes through escapeHtml on its way in.
 */

const ESCAPES: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}

/** Safe in element text and in quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!)
}

export interface LayoutOptions {
  readonly title: string
  /** The logged-in user; without it the page has no navigation or logout. */
  readonly user?: string
  readonly csrf?: string
  /** Already-escaped HTML. */
  readonly body: string
}

// Inline because the CSP allows no external style sheets ('unsafe-inline' only).
const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.4 system-ui,sans-serif;color:#222;background:#fafafa}
header{display:flex;flex-wrap:wrap;gap:1em;align-items:center;padding:.5em 1em;background:#2d4a6b;color:#fff}
header a,header button{color:#fff}
header .product{font-weight:bold;margin-right:auto}
header form{margin:0}
header button{background:none;border:1px solid #fff;border-radius:3px;padding:.2em .6em;cursor:pointer;font:inherit}
main{max-width:60em;margin:1em auto;padding:0 1em}
.error{color:#900;background:#fee;border:1px solid #e99;padding:.5em}
.notice{color:#060;background:#efe;border:1px solid #9c9;padding:.5em}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3em .5em;border-bottom:1px solid #ddd;vertical-align:top}
td.size,td.date{white-space:nowrap}
tr.unseen{font-weight:bold}
label{display:block;margin-top:.7em}
input[type=text],input[type=password],input[type=email],textarea{width:100%;padding:.3em;font:inherit}
textarea{min-height:20em;font-family:monospace}
button{margin-top:.7em;font:inherit}
pre#body{white-space:pre-wrap;word-wrap:break-word;font:14px/1.4 monospace;background:#fff;border:1px solid #ddd;padding:.7em}
iframe#html-part{width:100%;height:70vh;border:1px solid #ddd;background:#fff}
dl.headers{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}
dl.headers dt{font-weight:bold}
dl.headers dd{margin:0;word-break:break-word}
nav.paging{display:flex;gap:1em;margin-top:1em}
.actions{display:flex;gap:1em;align-items:baseline}
`

/** A whole HTML5 page around `body`. */
export function layout(o: LayoutOptions): string {
  let nav = ''
  if (o.user !== undefined) {
    nav =
      `<span class="user">${escapeHtml(o.user)}</span>` +
      `<a href="/inbox">Inbox</a>` +
      `<a href="/compose">Compose</a>` +
      `<form method="post" action="/logout">` +
      `<input type="hidden" name="csrf" value="${escapeHtml(o.csrf ?? '')}">` +
      `<button type="submit">Log out</button>` +
      `</form>`
  }
  return (
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n` +
    `<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<title>${escapeHtml(o.title)} - msgctl web mail</title>\n` +
    `<style>${STYLE}</style>\n` +
    `</head>\n<body>\n` +
    `<header><span class="product">msgctl web mail</span>${nav}</header>\n` +
    `<main>\n${o.body}\n</main>\n` +
    `</body>\n</html>\n`
  )
}
