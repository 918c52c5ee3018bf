/* global WebSocket, fetch, location, setTimeout, clearTimeout, setInterval, clearInterval, URL */
/**
 * The dashboard's WebSocket link: JSON encoding, the page's `?token=` passed on, subscription
 * restored after every reconnect, and reconnection with exponential backoff and jitter.
 *
 * A connection that closes before it ever opened may be a refused token (browsers hide the
 * HTTP status of a failed upgrade), so the page asks `auth` over plain HTTP: 401 stops the
 * retries and reports `unauthorized`; anything else keeps retrying.
 *
 * States: connecting -> connected -> reconnecting -> connected ... | unauthorized
 */

/** Backoff: 0.5 s, 1 s, 2 s, ... capped at 8 s, each +-20 % so tabs do not retry in step. */
export const BACKOFF = { firstMs: 500, factor: 2, maxMs: 8000, jitter: 0.2 };
/** An application ping this often detects a dead link the browser has not noticed (ms). */
const PING_EVERY_MS = 15000;

/**
 * @typedef {'connecting' | 'connected' | 'reconnecting' | 'unauthorized'} LinkState
 * @typedef {{ state: LinkState, attempt: number, retryInMs?: number, message?: string }} LinkStatus
 * @typedef {{ type: string, [key: string]: unknown }} ServerMessage
 */

/** The delay before retry number `attempt` (1-based), in ms. */
export function backoffMs(attempt, random = Math.random) {
  const base = Math.min(BACKOFF.maxMs, BACKOFF.firstMs * BACKOFF.factor ** (attempt - 1));
  return Math.round(base * (1 + BACKOFF.jitter * (2 * random() - 1)));
}

/**
 * Opens and keeps open the link to `wsPath` on this page's origin.
 * @param {{ wsPath: string, token: string | null,
 *           onMessage: (message: ServerMessage) => void,
 *           onStatus: (status: LinkStatus) => void }} options
 * @returns {{ send: (message: object) => void, close: () => void }}
 */
export function openLink({ wsPath, token, onMessage, onStatus }) {
  const url = new URL(wsPath, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('encoding', 'json');
  if (token) url.searchParams.set('token', token);
  const authUrl = new URL('auth', location.href);
  if (token) authUrl.searchParams.set('token', token);

  /** @type {WebSocket | undefined} */
  let ws;
  let attempt = 0;
  let stopped = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let retryTimer;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let pingTimer;
  let awaitingPong = false;

  const connect = () => {
    onStatus({ state: attempt === 0 ? 'connecting' : 'reconnecting', attempt });
    let opened = false;
    const socket = new WebSocket(url);
    ws = socket;
    socket.onopen = () => {
      opened = true;
      attempt = 0;
      awaitingPong = false;
      onStatus({ state: 'connected', attempt: 0 });
      pingTimer = setInterval(() => {
        // No pong since the last ping: the link is dead even if the browser has not noticed.
        if (awaitingPong) socket.close(4000, 'no pong');
        awaitingPong = true;
        socket.send(JSON.stringify({ type: 'ping', id: Date.now() }));
      }, PING_EVERY_MS);
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return; // JSON was asked for
      const message = JSON.parse(event.data);
      if (message.type === 'pong') awaitingPong = false;
      onMessage(message);
    };
    socket.onclose = () => {
      clearInterval(pingTimer);
      if (stopped) return;
      if (opened) retry();
      else void probeAuth().then((ok) => (ok ? retry() : refuse()));
    };
  };

  const probeAuth = async () => {
    try {
      const res = await fetch(authUrl, { cache: 'no-store' });
      return res.status !== 401;
    } catch {
      return true; // server down: keep retrying
    }
  };

  const retry = () => {
    if (stopped) return;
    attempt += 1;
    const delay = backoffMs(attempt);
    onStatus({ state: 'reconnecting', attempt, retryInMs: delay });
    retryTimer = setTimeout(connect, delay);
  };

  const refuse = () => {
    stopped = true;
    const message = token
      ? 'The token in this page’s URL was refused. Open the page with the server’s token: …/?token=<token>.'
      : 'This server needs a token. Open the page as …/?token=<token> (the --token given to auformer serve).';
    onStatus({ state: 'unauthorized', attempt, message });
  };

  connect();
  return {
    send(message) {
      if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    },
    close() {
      stopped = true;
      clearTimeout(retryTimer);
      clearInterval(pingTimer);
      ws?.close(1000, 'page closed');
    },
  };
}
