/**
 * Finds the ffmpeg binary every source spawns, once per process.
 *
 * Order: the `FFMPEG_PATH` environment variable, then a system `ffmpeg` on `PATH` whose major
 * version is at least 5 (current builds decode faster and know newer codecs), then the embedded
 * `@ffmpeg-installer/ffmpeg` static build from 2018 (always there, no ffprobe; choosing it emits
 * one process warning, `AUF_WARN_EMBEDDED_FFMPEG`, per process). An explicit
 * `ffmpegPath` option on a source bypasses this and is probed on its own.
 *
 * Example:
 * ```ts
 * import { resolveFfmpeg } from 'auformer-stream';
 * const ff = await resolveFfmpeg();
 * // { path: '/usr/bin/ffmpeg', version: '5.1.9-0+deb12u1', major: 5, source: 'system', ffprobePath: '/usr/bin/ffprobe' }
 * ```
 * @see docs/ffmpeg.md
 */
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { MediaError } from '../errors.js';

/** Where the binary came from. */
export type FfmpegSource = 'env' | 'system' | 'embedded' | 'option';

export interface FfmpegBinary {
  /** Absolute (or PATH-relative) path of the ffmpeg executable. */
  readonly path: string;
  /** Version string as printed by `ffmpeg -version`, e.g. `5.1.9-0+deb12u1` or `N-47683-g0e8eb07980-static`. */
  readonly version: string;
  /** Major version, or 0 for git snapshots such as the embedded build (treated as old). */
  readonly major: number;
  readonly source: FfmpegSource;
  /** ffprobe next to this ffmpeg or on `PATH`, when there is one; the embedded build has none. */
  readonly ffprobePath?: string;
}

/** The oldest system ffmpeg that is preferred over the embedded build. */
const MIN_SYSTEM_MAJOR = 5;
const cache = new Map<string, Promise<FfmpegBinary>>();

/**
 * Resolves the ffmpeg binary to use (cached per `ffmpegPath`). Pass `ffmpegPath` to use and
 * describe a given binary instead of the default search.
 */
export function resolveFfmpeg(ffmpegPath?: string): Promise<FfmpegBinary> {
  const key = ffmpegPath ?? '';
  let found = cache.get(key);
  if (!found) {
    found = ffmpegPath === undefined ? search() : describe(ffmpegPath, 'option');
    cache.set(key, found);
    found.catch(() => cache.delete(key));
  }
  return found;
}

/** Path and version of the binary, e.g. `/usr/bin/ffmpeg 5.1.9-0+deb12u1` (for SourceInfo.decoder). */
export function describeBinary(binary: FfmpegBinary): string {
  return `${binary.path} ${binary.version}`;
}

async function search(): Promise<FfmpegBinary> {
  const fromEnv = process.env['FFMPEG_PATH'];
  if (fromEnv) return describe(fromEnv, 'env');
  const system = await findOnPath('ffmpeg');
  if (system) {
    const binary = await describe(system, 'system').catch(() => undefined);
    if (binary && binary.major >= MIN_SYSTEM_MAJOR) return binary;
  }
  const embedded = await embeddedPath();
  if (embedded) return describe(embedded, 'embedded').then(warnEmbedded);
  throw new MediaError(
    'AUF_ERR_FFMPEG_NOT_FOUND',
    'ffmpeg',
    'No ffmpeg found: FFMPEG_PATH is unset, there is no ffmpeg >= 5 on PATH and the embedded ' +
      '@ffmpeg-installer/ffmpeg binary is missing. Run `npm ci` to restore the embedded build, ' +
      'install ffmpeg (e.g. `apt-get install ffmpeg`), or set FFMPEG_PATH=/path/to/ffmpeg.',
  );
}

/**
 * The embedded build is a 2018 static snapshot: it decodes untrusted files with years of
 * unpatched parser bugs. Said once per process, with the fix.
 */
function warnEmbedded(binary: FfmpegBinary): FfmpegBinary {
  process.emitWarning(
    `decoding with the embedded ffmpeg (${binary.version}, a 2018 static build from ` +
      '@ffmpeg-installer/ffmpeg) because no ffmpeg >= 5 is on PATH. It lacks years of security ' +
      'fixes: for untrusted files install a current ffmpeg (e.g. `apt-get install ffmpeg`) or set ' +
      'FFMPEG_PATH=/path/to/ffmpeg.',
    { type: 'AufWarning', code: 'AUF_WARN_EMBEDDED_FFMPEG' },
  );
  return binary;
}

async function describe(path: string, source: FfmpegSource): Promise<FfmpegBinary> {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(path, ['-hide_banner', '-version'], { timeout: 10_000 }, (error, out) =>
      error ? reject(error) : resolve(out),
    );
  }).catch((cause: unknown) => {
    throw new MediaError(
      'AUF_ERR_FFMPEG_NOT_FOUND',
      path,
      `Cannot run ffmpeg at "${path}" (from ${source}). Point FFMPEG_PATH or the ffmpegPath ` +
        'option at an executable ffmpeg, or unset it to use the embedded build.',
      { cause },
    );
  });
  const version = /ffmpeg version (\S+)/.exec(stdout)?.[1] ?? 'unknown';
  const major = /^n?(\d+)\./.exec(version)?.[1];
  const sibling = join(dirname(path), 'ffprobe');
  const ffprobePath = (await isExecutable(sibling)) ? sibling : await findOnPath('ffprobe');
  return { path, version, major: major ? Number(major) : 0, source, ...(ffprobePath ? { ffprobePath } : {}) };
}

async function embeddedPath(): Promise<string | undefined> {
  try {
    const installer = (await import('@ffmpeg-installer/ffmpeg')) as { default: { path: string } };
    return installer.default.path;
  } catch {
    // The package throws when its platform binary is absent; the caller reports NOT_FOUND.
    return undefined;
  }
}

async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}
