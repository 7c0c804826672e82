import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {durationMs, parseEndpoint} from '../../../src/admin/endpoint.js'
import {backoffDelay} from '../../../src/admin/retry.js'
import {connectionInfoLine} from '../../../src/admin/errors.js'
import {isFresh, jwtExpiry} from '../../../src/admin/auth/token-cache.js'

describe('parseEndpoint', () => {
  it('accepts the spellings flytectl accepts', () => {
    assert.deepEqual(parseEndpoint('dns:///localhost:30080', true), {
      url: 'http://localhost:30080',
      host: 'localhost',
      port: 30080,
      tls: false,
    })
    assert.equal(parseEndpoint('dns:///flyte.example.com', false).url, 'https://flyte.example.com:443')
    assert.equal(parseEndpoint('flyte.example.com:8089', false).url, 'https://flyte.example.com:8089')
    assert.equal(parseEndpoint('https://flyte.example.com/', false).url, 'https://flyte.example.com:443')
    assert.equal(parseEndpoint('http://127.0.0.1:30080', false).url, 'http://127.0.0.1:30080')
    assert.equal(parseEndpoint('[::1]:30080', true).url, 'http://[::1]:30080')
    assert.equal(parseEndpoint('dns:host:81', true).url, 'http://host:81')
  })

  it('rejects a path, a space or a bad port', () => {
    assert.throws(() => parseEndpoint('https://h/api', false), /has a path/)
    assert.throws(() => parseEndpoint('not a host', false), /contains a space/)
    assert.throws(() => parseEndpoint('h:99999', false), /invalid port/)
  })
})

describe('durations and backoff', () => {
  it('reads Go durations', () => {
    assert.equal(durationMs('15s', 1), 15_000)
    assert.equal(durationMs('1m30s', 1), 90_000)
    assert.equal(durationMs('500ms', 1), 500)
    assert.equal(durationMs(undefined, 7), 7)
    assert.throws(() => durationMs('5 seconds', 1), /invalid duration/)
  })

  it('doubles the backoff and caps it', () => {
    const mid = () => 0.5
    assert.equal(backoffDelay(1, 100, 8000, mid), 75)
    assert.equal(backoffDelay(2, 100, 8000, mid), 150)
    assert.equal(backoffDelay(10, 100, 8000, mid), 6000)
    assert.ok(backoffDelay(20, 100, 8000, () => 1) <= 8000)
  })
})

describe('connection info and tokens', () => {
  it('writes flytectl connection info', () => {
    assert.equal(
      connectionInfoLine({endpoint: 'dns:///x:1', insecure: true, authMode: 'ClientSecret'}),
      'Connection Info: [Endpoint: dns:///x:1, InsecureConnection?: true, AuthMode: ClientSecret]',
    )
  })

  it('reads a JWT expiry and judges freshness', () => {
    const payload = Buffer.from(JSON.stringify({exp: 2_000_000_000})).toString('base64url')
    assert.equal(jwtExpiry(`h.${payload}.s`), 2_000_000_000_000)
    assert.equal(jwtExpiry('opaque-token'), undefined)
    assert.equal(isFresh({accessToken: 'a', expiresAt: 1000}, 0, 2000), false)
    assert.equal(isFresh({accessToken: 'a', expiresAt: 5000}, 0, 2000), true)
    assert.equal(isFresh({accessToken: 'a'}, 0, 2000), true)
  })
})
