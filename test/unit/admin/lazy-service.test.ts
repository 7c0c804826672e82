/**
 * The per-method descriptor sets the build writes (scripts/rpc-descriptors.js) describe each
 * method's request and response exactly as the generated code does: same types, fields, numbers,
 * JSON names and enum values, all the way down.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import type {DescEnum, DescMessage} from '@bufbuild/protobuf'
import {methodService} from '../../../src/admin/lazy-service.js'
import {AdminService} from '../../../src/gen/flyteidl/service/admin_pb.js'
import {AuthMetadataService} from '../../../src/gen/flyteidl/service/auth_pb.js'
import {DataProxyService} from '../../../src/gen/flyteidl/service/dataproxy_pb.js'
import {IdentityService} from '../../../src/gen/flyteidl/service/identity_pb.js'
import {SignalService} from '../../../src/gen/flyteidl/service/signal_pb.js'

function shape(desc: DescMessage | DescEnum, seen = new Set<string>()): unknown {
  if (seen.has(desc.typeName)) return desc.typeName
  seen.add(desc.typeName)
  if (desc.kind === 'enum') return {enum: desc.typeName, values: desc.values.map((v) => [v.name, v.number])}
  return {
    message: desc.typeName,
    fields: desc.fields.map((f) => ({
      name: f.name,
      number: f.number,
      json: f.jsonName,
      kind: f.fieldKind,
      oneof: f.oneof?.name,
      scalar: 'scalar' in f ? f.scalar : undefined,
      type: f.message ? shape(f.message, seen) : f.enum ? shape(f.enum, seen) : undefined,
    })),
  }
}

describe('per-method descriptor sets', () => {
  for (const service of [AdminService, AuthMetadataService, DataProxyService, IdentityService, SignalService]) {
    it(`match the generated ${service.name} for every method`, async () => {
      for (const method of service.methods) {
        const lazy = (await methodService(service.typeName, method.localName)).methods[0]!
        assert.equal(lazy.name, method.name)
        assert.equal(lazy.methodKind, method.methodKind)
        assert.deepEqual(shape(lazy.input), shape(method.input), `${method.name} request`)
        assert.deepEqual(shape(lazy.output), shape(method.output), `${method.name} response`)
      }
    })
  }
})
