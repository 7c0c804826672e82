// Typed rendering of flyteidl Literals as FlyteAdmin's REST API returns them (proto JSON), and the
// launch form's plain values for defaults.
import {h} from 'preact'
import {useState} from 'preact/hooks'
import htm from 'htm'
import {decode} from '@msgpack/msgpack'
import {api} from './api.js'

const html = htm.bind(h)

/** A binary scalar's value: flytekit writes dataclasses, dicts and Pydantic models as MessagePack. */
export function binaryValue(binary) {
  if (binary?.tag !== 'msgpack') return undefined
  try {
    const bytes = Uint8Array.from(atob(binary.value ?? ''), (ch) => ch.charCodeAt(0))
    return decode(bytes)
  } catch {
    return undefined
  }
}

function jsonText(v) {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x), 2)
}

function primitiveValue(p) {
  if ('integer' in p) return p.integer
  if ('float_value' in p) return p.float_value
  if ('string_value' in p) return p.string_value
  if ('boolean' in p) return p.boolean
  if ('datetime' in p) return p.datetime
  if ('duration' in p) return p.duration
  return undefined
}

/** A literal as a plain JS value, for defaults in the launch form (undefined when not plain). */
export function plainValue(lit) {
  const s = lit?.scalar
  if (s?.primitive) return primitiveValue(s.primitive)
  if (s?.generic) return s.generic
  if (s?.binary) return binaryValue(s.binary)
  if (s?.none_type) return null
  if (s?.union) return plainValue(s.union.value)
  if (s?.blob) return s.blob.uri
  if (lit?.collection) return (lit.collection.literals ?? []).map(plainValue)
  if (lit?.map) return Object.fromEntries(Object.entries(lit.map.literals ?? {}).map(([k, v]) => [k, plainValue(v)]))
  return undefined
}

function Download({uri}) {
  const [state, setState] = useState('')
  const go = async () => {
    setState('…')
    try {
      const res = await api.get('/api/v1/dataproxy/artifact_urn', {native_url: uri, expires_in: '600s'})
      if (!res.signed_url) throw new Error('no signed URL')
      window.location.assign(res.signed_url)
      setState('')
    } catch (err) {
      setState(`cannot download: ${err.message}`)
    }
  }
  return html`<button type="button" class="link" onClick=${go}>download</button
    >${state ? html` <span>${state}</span>` : ''}`
}

/** One literal, typed: primitives as text, lists and maps as nested lists, files with a download link. */
export function LiteralView({lit}) {
  if (!lit) return html`<span class="muted">none</span>`
  const s = lit.scalar
  if (s?.primitive) {
    const v = primitiveValue(s.primitive)
    return html`<code>${typeof v === 'string' && 'string_value' in s.primitive ? JSON.stringify(v) : String(v)}</code>`
  }
  if (s?.none_type) return html`<code>None</code>`
  if (s?.blob) {
    const multi = s.blob.metadata?.type?.dimensionality === 'MULTIPART'
    return html`<span class="blob"
      ><span class="tag">${multi ? 'directory' : 'file'}</span> <code>${s.blob.uri}</code> ${
        multi ? '' : html`<${Download} uri=${s.blob.uri} />`
      }</span
    >`
  }
  if (s?.structured_dataset) {
    return html`<span class="blob"><span class="tag">dataframe</span> <code>${s.structured_dataset.uri}</code></span>`
  }
  if (s?.generic) return html`<pre class="json">${JSON.stringify(s.generic, null, 2)}</pre>`
  if (s?.binary && binaryValue(s.binary) !== undefined) {
    return html`<pre class="json">${jsonText(binaryValue(s.binary))}</pre>`
  }
  if (s?.binary) {
    const size = Math.floor(((s.binary.value ?? '').length * 3) / 4)
    return html`<span><span class="tag">${s.binary.tag || 'binary'}</span> ${size} bytes</span>`
  }
  if (s?.union) return LiteralView({lit: s.union.value})
  if (s?.error) return html`<span class="error-text">${s.error.message}</span>`
  if (lit.collection) {
    const items = lit.collection.literals ?? []
    return html`<ol class="literal-list" start="0">
      ${items.slice(0, 200).map((x) => html`<li><${LiteralView} lit=${x} /></li>`)}
      ${items.length > 200 ? html`<li class="muted">… ${items.length - 200} more</li>` : ''}
    </ol>`
  }
  if (lit.map) return LiteralMapView({map: lit.map})
  if (lit.offloaded_metadata)
    return html`<span><span class="tag">offloaded</span> <code>${lit.offloaded_metadata.uri}</code></span>`
  return html`<pre class="json">${JSON.stringify(lit, null, 2)}</pre>`
}

export function LiteralMapView({map}) {
  const entries = Object.entries(map?.literals ?? {})
  if (entries.length === 0) return html`<p class="muted">none</p>`
  return html`<dl class="literal-map">
    ${entries.map(
      ([k, v]) =>
        html`<dt>${k}</dt>
          <dd><${LiteralView} lit=${v} /></dd>`,
    )}
  </dl>`
}
