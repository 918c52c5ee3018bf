/**
 * Encodes server messages and decodes client messages.
 *
 * MessagePack goes out as standard maps (`useRecords: false`) so any decoder can read it
 * (`@msgpack/msgpack` in browsers, `msgpack` in Python), not only msgpackr. A message is
 * encoded once per encoding and the same bytes go to every client that uses it.
 */
import { Packr, Unpackr } from 'msgpackr';
import type { RawData } from 'ws';
import { AufError } from '../../errors.js';
import type { ServerMessage, WireEncoding } from './protocol.js';

const packr = new Packr({ useRecords: false, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

/** Bytes ready for `ws.send`, with the frame type they need. */
export interface EncodedMessage {
  readonly data: Buffer;
  /** True for MessagePack (binary frame), false for JSON (text frame). */
  readonly binary: boolean;
}

/** Encodes `message` for one wire encoding. */
export function encodeMessage(message: ServerMessage, encoding: WireEncoding): EncodedMessage {
  if (encoding === 'json') {
    // JSON has no bytes: a preview's image travels as base64 text.
    const json =
      message.type === 'preview'
        ? {
            ...message,
            data: Buffer.from(message.data.buffer, message.data.byteOffset, message.data.length).toString(
              'base64',
            ),
          }
        : message;
    return { data: Buffer.from(JSON.stringify(json), 'utf8'), binary: false };
  }
  return { data: packr.pack(message), binary: true };
}

/**
 * Encodes lazily, at most once per encoding: a record published to 50 msgpack clients and 2
 * JSON clients is packed once and stringified once.
 */
export function lazyEncoder(message: ServerMessage): (encoding: WireEncoding) => EncodedMessage {
  const cache = new Map<WireEncoding, EncodedMessage>();
  return (encoding) => {
    let encoded = cache.get(encoding);
    if (!encoded) {
      encoded = encodeMessage(message, encoding);
      cache.set(encoding, encoded);
    }
    return encoded;
  };
}

/**
 * Decodes one client frame whatever the connection's encoding: text frames are JSON, binary
 * frames are MessagePack. Throws `AufError` `AUF_ERR_CLIENT_MESSAGE` on bytes that do not parse.
 */
export function decodeClientFrame(data: RawData, isBinary: boolean): unknown {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  try {
    return isBinary ? unpackr.unpack(bytes) : (JSON.parse(bytes.toString('utf8')) as unknown);
  } catch (cause) {
    const what = isBinary
      ? 'a binary frame that is not valid MessagePack'
      : 'a text frame that is not valid JSON';
    throw new AufError(
      'AUF_ERR_CLIENT_MESSAGE',
      `Received ${what}. Send one JSON object per text frame or one MessagePack map per binary ` +
        `frame, e.g. {"type":"subscribe","sources":"*"}.`,
      { cause },
    );
  }
}
