import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {parseDaemonArgs} from '../../../src/controlplane/daemon.js'
import {parseStatsdTarget} from '../../../src/controlplane/statsd-target.js'

describe('--statsd host:port', () => {
  it('reads a host name, an IPv4 or a bracketed IPv6 address and a port', () => {
    assert.deepEqual(parseStatsdTarget('127.0.0.1:8125'), {host: '127.0.0.1', port: 8125})
    assert.deepEqual(parseStatsdTarget('statsd.example.com:9125'), {host: 'statsd.example.com', port: 9125})
    assert.deepEqual(parseStatsdTarget('[::1]:8125'), {host: '::1', port: 8125})
  })

  it('refuses what is not host:port', () => {
    for (const bad of ['localhost', ':8125', 'host:0', 'host:65536', 'host:port', 'a b:1', 'udp://h:1', '::1:8125']) {
      assert.match(String(parseStatsdTarget(bad)), /invalid --statsd .*expected host:port/, bad)
    }
  })

  it('is checked when the daemon reads its flags', () => {
    assert.equal(parseDaemonArgs(['--data-dir', '/tmp/x']).statsd, undefined)
    assert.deepEqual(parseDaemonArgs(['--data-dir', '/tmp/x', '--statsd', 'h:1']).statsd, {host: 'h', port: 1})
    assert.throws(() => parseDaemonArgs(['--data-dir', '/tmp/x', '--statsd', 'h']), /invalid --statsd "h"/)
  })
})
