/**
 * A real RTSP server on 127.0.0.1 for the live-source tests: Debian's GStreamer RTSP server
 * (test/helpers/rtsp_server.py, run with /usr/bin/python3) serving an H.264 clip over TCP and
 * UDP. `stop()` kills it (SIGKILL: an outage, not a goodbye), `start()` brings it back on the
 * same port, `pause()`/`resume()` freeze it (SIGSTOP/SIGCONT: a stall with the socket open).
 *
 * Needs: apt-get install gir1.2-gst-rtsp-server-1.0 python3-gi gstreamer1.0-plugins-base
 * gstreamer1.0-plugins-good gstreamer1.0-plugins-bad.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { access, rename } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, SAMPLE_FACES, run, SYSTEM_FFMPEG } from './media.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(REPO_ROOT, 'test/helpers/rtsp_server.py');
const READY_TIMEOUT_MS = 15_000;

/** Size and rate of `makeLiveClip`'s output. */
export const LIVE_CLIP = { width: 640, height: 360, fps: 30, seconds: 60 } as const;

/**
 * The sample faces clip looped to 60 s, 640x360, 30 fps, H.264 without B-frames (as IP cameras
 * send), a keyframe every second. Made once per machine in the temp folder.
 */
export async function makeLiveClip(): Promise<string> {
  const { width, height, fps, seconds } = LIVE_CLIP;
  const out = join(tmpdir(), `auf-rtsp-clip-${width}x${height}-${fps}-${seconds}s-v1.mp4`);
  if (
    await access(out).then(
      () => true,
      () => false,
    )
  )
    return out;
  const partial = `${out}.${process.pid}.partial.mp4`;
  await run(SYSTEM_FFMPEG, [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-stream_loop',
    '-1',
    '-i',
    SAMPLE_FACES,
    '-t',
    String(seconds),
    '-vf',
    `scale=${width}:${height},fps=${fps}`,
    '-an',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-tune',
    'zerolatency',
    '-bf',
    '0',
    '-g',
    String(fps),
    '-pix_fmt',
    'yuv420p',
    partial,
  ]);
  await rename(partial, out);
  return out;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export class RtspServer {
  private child: ChildProcess | undefined;

  private constructor(
    readonly file: string,
    readonly port: number,
    readonly path: string,
  ) {}

  /** Starts a server for `file` (default: the live clip) at rtsp://127.0.0.1:<free port>/<path>. */
  static async start(options: { file?: string; path?: string; port?: number } = {}): Promise<RtspServer> {
    const server = new RtspServer(
      options.file ?? (await makeLiveClip()),
      options.port ?? (await freePort()),
      options.path ?? 'cam',
    );
    await server.start();
    return server;
  }

  /** `rtsp://[userinfo@]127.0.0.1:port/path`. */
  url(options: { userinfo?: string; path?: string } = {}): string {
    const auth = options.userinfo ? `${options.userinfo}@` : '';
    return `rtsp://${auth}127.0.0.1:${this.port}/${options.path ?? this.path}`;
  }

  /** (Re)starts the server on the same port; resolves once it prints "ready". */
  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(PYTHON, [SCRIPT, this.file, String(this.port), this.path], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => fail(new Error(`RTSP server not ready after ${READY_TIMEOUT_MS} ms: ${stderr}`)),
        READY_TIMEOUT_MS,
      );
      const fail = (error: Error): void => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        this.child = undefined;
        reject(error);
      };
      child.once('exit', (code) =>
        fail(new Error(`RTSP server exited (${String(code)}) before ready: ${stderr}`)),
      );
      child.stdout.on('data', (chunk: Buffer) => {
        if (!chunk.toString().includes('ready')) return;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve();
      });
    });
  }

  /** Kills the server at once (clients see the connection drop); resolves once it is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await exited;
  }

  /** Freezes the server: sockets stay open but nothing is sent (a stall). */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }
}
