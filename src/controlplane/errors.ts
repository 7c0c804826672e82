/** gRPC status errors with FlyteAdmin's codes and messages. */
import {Code, ConnectError} from '@connectrpc/connect'

export function invalidArgument(message: string): ConnectError {
  return new ConnectError(message, Code.InvalidArgument)
}

export function notFound(message: string): ConnectError {
  return new ConnectError(message, Code.NotFound)
}

export function alreadyExists(message: string): ConnectError {
  return new ConnectError(message, Code.AlreadyExists)
}

export function failedPrecondition(message: string): ConnectError {
  return new ConnectError(message, Code.FailedPrecondition)
}

export function internal(message: string): ConnectError {
  return new ConnectError(message, Code.Internal)
}

/** `missing <field>` — FlyteAdmin's message for an empty required field. */
export function missing(field: string): ConnectError {
  return invalidArgument(`missing ${field}`)
}
