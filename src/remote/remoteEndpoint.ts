/**
 * One server a `RemoteAUModel` may send batches to, with its health: `connect` resolves the
 * model (the server's only one when the URL names none, via Triton's repository index), checks
 * `/v2/health/ready` and `/v2/models/NAME/ready`, and reads the model's metadata; a failure
 * puts the endpoint out of rotation for a back-off that doubles up to 2 s, after which the
 * next batch reconnects to it.
 */
import { ModelError } from '../errors.js';
import { type HttpAnswer, errorText, httpCall } from './httpCall.js';
import { type RemoteModelInfo, hasCard, remoteModelInfo } from './remoteModelInfo.js';
import { type ModelLocation, modelPath } from './remoteUrl.js';

const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 2000;

export class RemoteEndpoint {
  /** Set once connected; cleared when the endpoint fails, so it is checked again. */
  info: RemoteModelInfo | undefined;
  private path: string | undefined;
  private downUntil = 0;
  private backoffMs = FIRST_BACKOFF_MS;

  constructor(
    readonly location: ModelLocation,
    private readonly token: string | undefined,
  ) {}

  /** `base/v2/models/NAME` once known, else the base URL: for messages. */
  get url(): string {
    return `${this.location.base}${this.path ?? ''}`;
  }

  /** Usable now: not in a back-off (it may still need `connect`). */
  available(now: number): boolean {
    return now >= this.downUntil;
  }

  /** When it may be tried again. */
  get retryAt(): number {
    return this.downUntil;
  }

  /** Out of rotation for `ms` (e.g. a `Retry-After`), or for the next back-off step. */
  markDown(ms?: number): void {
    this.info = ms === undefined ? undefined : this.info;
    this.downUntil = Date.now() + (ms ?? this.backoffMs);
    if (ms === undefined) this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
  }

  markUp(): void {
    this.backoffMs = FIRST_BACKOFF_MS;
  }

  /** Resolves the model, checks readiness and reads its metadata (and config, for Triton). */
  async connect(timeoutMs: number): Promise<RemoteModelInfo> {
    const deadline = Date.now() + timeoutMs;
    const { name, version } = this.location;
    const path = modelPath(name ?? (await this.onlyModel(deadline)), version);
    await this.expectOk('GET', '/v2/health/ready', deadline);
    await this.expectOk('GET', `${path}/ready`, deadline);
    const metadata = await this.json('GET', path, deadline);
    const config = hasCard(metadata) ? undefined : await this.json('GET', `${path}/config`, deadline);
    this.path = path;
    this.info = remoteModelInfo(metadata, config, `'${this.url}'`);
    return this.info;
  }

  /** POSTs an infer body to the connected model. */
  infer(body: Uint8Array, headerLength: number, timeoutMs: number): Promise<HttpAnswer> {
    return httpCall({
      method: 'POST',
      url: `${this.location.base}${this.path}/infer`,
      timeoutMs,
      token: this.token,
      body,
      headers: {
        'content-type': 'application/octet-stream',
        'inference-header-content-length': String(headerLength),
      },
    });
  }

  /** The one ready model of a server (Triton's POST /v2/repository/index). */
  private async onlyModel(deadline: number): Promise<string> {
    const index = await this.json('POST', '/v2/repository/index', deadline);
    const ready = Array.isArray(index)
      ? index.filter(
          (m: { state?: unknown; name?: unknown }) =>
            typeof m.name === 'string' && (m.state ?? 'READY') === 'READY',
        )
      : [];
    if (ready.length !== 1) {
      throw new ModelError(
        'AUF_ERR_REMOTE_PROTOCOL',
        `${this.location.base} serves ${ready.length} ready models (${ready.map((m: { name: string }) => m.name).join(', ') || 'none'}); ` +
          'name one: http://host:port/v2/models/NAME.',
      );
    }
    return (ready[0] as { name: string }).name;
  }

  private async expectOk(method: 'GET' | 'POST', path: string, deadline: number): Promise<HttpAnswer> {
    const answer = await httpCall({
      method,
      url: `${this.location.base}${path}`,
      timeoutMs: deadline - Date.now(),
      token: this.token,
    });
    if (answer.status === 200) return answer;
    const code =
      answer.status === 401 || answer.status === 403
        ? 'AUF_ERR_REMOTE_AUTH'
        : answer.status === 404
          ? 'AUF_ERR_REMOTE_PROTOCOL'
          : 'AUF_ERR_REMOTE_UNREACHABLE';
    throw new ModelError(
      code,
      `${method} ${this.location.base}${path} answered ${answer.status}: ${errorText(answer)}`,
    );
  }

  private async json(method: 'GET' | 'POST', path: string, deadline: number): Promise<unknown> {
    const answer = await this.expectOk(method, path, deadline);
    try {
      return JSON.parse(Buffer.from(answer.body).toString('utf8'));
    } catch (cause) {
      throw new ModelError(
        'AUF_ERR_REMOTE_PROTOCOL',
        `${method} ${this.location.base}${path} did not answer JSON.`,
        { cause },
      );
    }
  }
}
