import {buildBodyStructure, buildEnvelope, parseMessage, type MimePart} from '../../core/mime/index.js'
import type {MessageSummary} from '../mailstore/types.js'
import {sectionBytes} from './body_section.js'
import {sectionLabel, type FetchItem} from './fetch_items.js'
import {formatDateTime} from './imap_date.js'
import {atom, Literal, type ImapValue} from './response_composer.js'
import {bodyStructureValue, envelopeValue} from './structure_values.js'

/** Whether fetching these items reads the message as BODY[] does, setting \Seen (RFC 3501 §6.4.5). */
export function setsSeen(items: readonly FetchItem[]): boolean {
  return items.some((i) => (i.kind === 'section' && !i.peek) || (i.kind === 'simple' && (i.name === 'RFC822' || i.name === 'RFC822.TEXT')))
}

/** Whether the message bytes are needed, not just its summary. */
export function needsContent(items: readonly FetchItem[]): boolean {
  return items.some((i) => i.kind === 'section' || (i.kind === 'simple' && !['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'UID'].includes(i.name)))
}

/**
 * The data of one FETCH response: item name, value, in the order asked.
 * `load` reads the message bytes; it is called at most once, and only when
 * an item needs them.
 */
export function fetchData(items: readonly FetchItem[], summary: MessageSummary, flags: readonly string[], load: () => Buffer): ImapValue[] {
  let bytes: Buffer | null = null
  let parsed: MimePart | null = null
  const content = (): Buffer => (bytes ??= load())
  const mime = (): MimePart => (parsed ??= parseMessage(content()))
  const out: ImapValue[] = []
  for (const item of items) {
    if (item.kind === 'section') {
      let data = sectionBytes(mime(), item.section)
      let label = `BODY[${sectionLabel(item.section)}]`
      if (item.partial !== null) {
        const start = Math.min(item.partial.start, data.length)
        data = data.subarray(start, Math.min(data.length, start + item.partial.length))
        label += `<${item.partial.start}>`
      }
      out.push(atom(label), new Literal(data))
      continue
    }
    out.push(atom(item.name))
    switch (item.name) {
      case 'FLAGS':
        out.push(flags.map(atom))
        break
      case 'INTERNALDATE':
        out.push(formatDateTime(summary.internalDate))
        break
      case 'RFC822.SIZE':
        out.push(summary.size)
        break
      case 'UID':
        out.push(summary.uid)
        break
      case 'ENVELOPE':
        out.push(envelopeValue(buildEnvelope(mime().header)))
        break
      case 'BODYSTRUCTURE':
      case 'BODY':
        out.push(bodyStructureValue(buildBodyStructure(mime()), item.name === 'BODYSTRUCTURE'))
        break
      case 'RFC822':
        out.push(new Literal(content()))
        break
      case 'RFC822.HEADER':
        out.push(new Literal(mime().headerBytes()))
        break
      case 'RFC822.TEXT':
        out.push(new Literal(mime().body()))
        break
    }
  }
  return out
}
