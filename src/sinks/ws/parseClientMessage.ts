/**
 * Validates a decoded client message field by field.
 *
 * Clients are untrusted: anything that is not exactly one of the documented messages is
 * rejected with a message that shows the valid form, and nothing from the input is kept
 * except checked strings and numbers.
 */
import { AufError } from '../../errors.js';
import type { ClientMessage, SourceSelector } from './protocol.js';

/** Longest source id a client may name, in characters. */
export const MAX_SOURCE_ID_LENGTH = 256;

const CLIENT_TYPES = ['subscribe', 'unsubscribe', 'ping'] as const;

/** Returns the validated message or throws `AufError` `AUF_ERR_CLIENT_MESSAGE`. */
export function parseClientMessage(value: unknown): ClientMessage {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`Expected an object with a "type" field, got ${describe(value)}.`);
  }
  const fields = value as Record<string, unknown>;
  const type = fields['type'];
  switch (type) {
    case 'subscribe':
    case 'unsubscribe':
      return { type, sources: parseSelector(fields['sources'], type) };
    case 'ping': {
      const id = fields['id'];
      if (id === undefined) return { type };
      if ((typeof id === 'string' && id.length <= MAX_SOURCE_ID_LENGTH) || Number.isFinite(id)) {
        return { type, id: id as string | number };
      }
      throw invalid(
        `"ping.id" must be a finite number or a string of at most ${MAX_SOURCE_ID_LENGTH} characters.`,
      );
    }
    default:
      throw invalid(
        `Unknown message type ${describe(type)}. Should be one of: ${CLIENT_TYPES.map((t) => `"${t}"`).join(', ')}.`,
      );
  }
}

function parseSelector(value: unknown, type: string): SourceSelector {
  if (value === '*') return '*';
  if (!Array.isArray(value)) {
    throw invalid(
      `"${type}.sources" must be "*" or an array of source ids, got ${describe(value)}; ` +
        `e.g. {"type":"${type}","sources":["cam-1"]}.`,
    );
  }
  const ids: string[] = [];
  for (const id of value as unknown[]) {
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_SOURCE_ID_LENGTH) {
      throw invalid(
        `"${type}.sources" must hold non-empty strings of at most ${MAX_SOURCE_ID_LENGTH} characters, ` +
          `got ${describe(id)}.`,
      );
    }
    ids.push(id);
  }
  return ids;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function invalid(message: string): AufError {
  return new AufError('AUF_ERR_CLIENT_MESSAGE', message);
}
