/**
 * Where a remote model lives: a KServe v2 server's base URL (`http://gpu-1:8000`, which must
 * serve exactly one model) or a model URL (`http://gpu-1:8000/v2/models/auformer-tiny`, with an
 * optional `/versions/N`).
 */
import { OptionError } from '../errors.js';

/** An `http://` or `https://` URL: what makes `AUModel.create` open a `RemoteAUModel`. */
export type RemoteModelUrl = `http://${string}` | `https://${string}`;

export function isRemoteModelUrl(text: string): text is RemoteModelUrl {
  return /^https?:\/\//i.test(text);
}

export interface ModelLocation {
  /** `protocol://host:port`, no trailing slash. */
  readonly base: string;
  /** The model's name, or undefined to pick the server's only model. */
  readonly name: string | undefined;
  readonly version: string | undefined;
}

const MODEL_PATH = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?\/?$/;

/** Parses one endpoint URL; anything else than a base or a model URL is an `OptionError`. */
export function parseModelLocation(text: string): ModelLocation {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OptionError(
      `remote model URL '${text}' is not a URL; give http://host:port or http://host:port/v2/models/NAME`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OptionError(`remote model URL '${text}' must start with http:// or https://`);
  }
  if (url.search || url.hash || url.username) {
    throw new OptionError(
      `remote model URL '${text}' must not carry a query, fragment or credentials (use the token option)`,
    );
  }
  const base = `${url.protocol}//${url.host}`;
  if (url.pathname === '/' || url.pathname === '') return { base, name: undefined, version: undefined };
  const match = MODEL_PATH.exec(url.pathname);
  if (!match) {
    throw new OptionError(
      `remote model URL '${text}' must be a server (http://host:port) or a model (http://host:port/v2/models/NAME[/versions/N])`,
    );
  }
  return {
    base,
    name: decodeURIComponent(match[1] as string),
    version: match[2] && decodeURIComponent(match[2]),
  };
}

/** `/v2/models/NAME[/versions/V]` of a resolved model. */
export function modelPath(name: string, version: string | undefined): string {
  const v = version === undefined ? '' : `/versions/${encodeURIComponent(version)}`;
  return `/v2/models/${encodeURIComponent(name)}${v}`;
}
