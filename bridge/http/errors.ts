import type { FastifySchemaValidationError } from 'fastify';

/**
 * One shape for every HTTP error, whatever refused the request (a parameter, the credentials, the
 * command module, the PDU): `{ status: 'error', error }` with a sentence a user can act on, plus fields
 * a client may need (the 401's `auth`). The same `status` field a command's success carries, so a
 * client reads one field for every answer (docs/http.md).
 */
export interface ErrorBody {
  status: 'error';
  error: string;
}

export function errorBody<T extends object>(error: string, extra?: T): ErrorBody & T {
  return { status: 'error', error, ...(extra as T) };
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : String(v));

/**
 * A schema validation failure in words: which parameter, what it must be (the allowed values, the
 * range, the type) and what it got, instead of the validator's "must be equal to one of the allowed
 * values". `input` is the query string or the body that failed.
 */
export function describeValidation(v: FastifySchemaValidationError, where: string, input: unknown): string {
  const p = v.params as Record<string, unknown>;
  const name =
    typeof p.missingProperty === 'string'
      ? p.missingProperty
      : (v.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  const got =
    name && typeof input === 'object' && input !== null
      ? (input as Record<string, unknown>)[name]
      : undefined;
  const gotText = got === undefined ? '' : `, got ${show(got)}`;
  switch (v.keyword) {
    case 'additionalProperties':
      return `${where}: unknown parameter ${show(p.additionalProperty)}`;
    case 'required':
      return `${where}: ${name} is required`;
    case 'enum':
      return `${where}: ${name} must be one of ${(p.allowedValues as unknown[]).join(', ')}${gotText}`;
    case 'type':
      return `${where}: ${name} must be ${p.type === 'integer' ? 'an integer' : `a ${String(p.type)}`}${gotText}`;
    case 'minimum':
    case 'maximum':
      return `${where}: ${name} must be ${v.keyword === 'minimum' ? 'at least' : 'at most'} ${String(p.limit)}${gotText}`;
    case 'maxLength':
    case 'minLength':
      return `${where}: ${name} must be ${v.keyword === 'minLength' ? 'at least' : 'at most'} ${String(p.limit)} characters long`;
    case 'pattern':
      return `${where}: ${name} has characters that are not allowed${gotText}`;
    default:
      return `${where}: ${name ? `${name} ` : ''}${v.message ?? 'is not valid'}`;
  }
}
