// A video's poster frame, made in the browser: the edge never decodes video. A <video> element seeks to
// about 1 s in (10 % of a clip shorter than 10 s, so a 2 s clip gives its 0.2 s frame, not a fade-in) and a
// canvas encodes that frame as a JPEG. Chromium applies the track's rotation, so the frame has the
// displayed shape. One poster at a time: a folder of clips must not open a hundred decoders at once.

/** Longest side of a poster: 4K frames stay 4K, anything bigger is scaled down (the PUT takes ≤ 16 MB). */
const MAX_SIDE = 3840;
const TIMEOUT_MS = 30_000;

export class PosterError extends Error {}

/** Where the poster frame is taken, in seconds. */
export function posterTime(duration: number): number {
  if (!Number.isFinite(duration) || duration <= 0) return 0;
  return duration >= 10 ? 1 : duration * 0.1;
}

let chain: Promise<unknown> = Promise.resolve();

/** The poster of `source` (a local file, or a URL of this origin), as a JPEG. */
export function makePoster(source: Blob | string, signal?: AbortSignal): Promise<Blob> {
  const run = chain.then(() => extract(source, signal));
  chain = run.catch(() => {});
  return run;
}

async function extract(source: Blob | string, signal?: AbortSignal): Promise<Blob> {
  signal?.throwIfAborted();
  const started = performance.now();
  const url = typeof source === 'string' ? source : URL.createObjectURL(source);
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.preload = 'auto';
  try {
    video.src = url;
    await event(video, 'loadedmetadata', signal);
    video.currentTime = posterTime(video.duration);
    await event(video, 'seeked', signal);
    const { videoWidth: w, videoHeight: h } = video;
    if (!w || !h) throw new PosterError('The video has no picture this browser can show.');
    const scale = Math.min(1, MAX_SIDE / Math.max(w, h));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    canvas.getContext('2d')!.drawImage(video, 0, 0, canvas.width, canvas.height);
    const poster = await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new PosterError('The poster frame could not be encoded.'))), 'image/jpeg', 0.9));
    // Seek, decode and encode, as the benchmark and the Chromium test read it (goal: ≤ 1 s for 1080p).
    performance.measure('darkroom:poster', { start: started, detail: { width: canvas.width, height: canvas.height, bytes: poster.size } });
    return poster;
  } finally {
    // Release the decoder now rather than at garbage collection.
    video.removeAttribute('src');
    video.load();
    if (typeof source !== 'string') URL.revokeObjectURL(url);
  }
}

/** Resolves on `name`; a media error (a codec this browser lacks: HEVC in Chromium) rejects with its reason. */
function event(video: HTMLVideoElement, name: string, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      video.removeEventListener(name, ok);
      video.removeEventListener('error', failed);
      signal?.removeEventListener('abort', aborted);
    };
    const ok = () => (done(), resolve());
    const failed = () => {
      done();
      reject(new PosterError(`This browser cannot decode the video${video.error?.message ? ` (${video.error.message})` : ''}.`));
    };
    const aborted = () => (done(), reject(signal!.reason));
    const timer = setTimeout(() => (done(), reject(new PosterError(`No video frame after ${TIMEOUT_MS / 1000} s.`))), TIMEOUT_MS);
    video.addEventListener(name, ok, { once: true });
    video.addEventListener('error', failed, { once: true });
    signal?.addEventListener('abort', aborted, { once: true });
  });
}
