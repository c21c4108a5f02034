// Unpacks a ZIP in the browser as it streams in (fflate). Photos and videos inside become uploads;
// anything else is reported as skipped. Unpacked files are held in memory until they are queued, so
// the unpacked total and the compression ratio are bounded (security review L6): a 510 KB ZIP must
// not become 512 MiB of Blobs.
import { Unzip, UnzipInflate, UnzipPassThrough, type UnzipFile } from 'fflate';

const MEDIA = /\.(jpe?g|png|webp|heic|heif|avif|tiff?|gif|mp4|mov)$/i;

export interface Unpacked {
  files: Array<{ name: string; blob: Blob }>;
  skipped: string[];
  /** Why the archive was not unpacked at all (a limit was hit); nothing from it is queued then. */
  refused?: string;
}

export interface ZipLimits {
  /** Most bytes one archive may unpack to. */
  maxBytes: number;
  /** Most unpacked bytes per compressed byte read so far. Photos barely compress (≈1:1). */
  maxRatio: number;
}

/** 2 GiB in memory is already a lot for a tab; a ratio of 100 is far above any real photo archive. */
export const ZIP_LIMITS: ZipLimits = { maxBytes: 2 * 1024 ** 3, maxRatio: 100 };
/** Small archives get this much slack before the ratio applies (headers, a few tiny files). */
const RATIO_SLACK = 1024 * 1024;

export const isZip = (file: File) => /\.zip$/i.test(file.name) || file.type === 'application/zip';

const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;

export async function unzip(file: Blob, limits: ZipLimits = ZIP_LIMITS): Promise<Unpacked> {
  const out: Unpacked = { files: [], skipped: [] };
  const pending: Promise<void>[] = [];
  const open = new Set<UnzipFile>();
  let read = 0;
  let unpacked = 0;
  let refused: string | undefined;

  const refuse = (why: string) => {
    refused ??= why;
    for (const entry of open) entry.terminate();
    open.clear();
  };

  const unzipper = new Unzip((entry) => {
    if (refused) return;
    const name = entry.name.split('/').pop() ?? entry.name;
    if (entry.name.endsWith('/') || name.startsWith('.') || entry.name.startsWith('__MACOSX/')) return;
    if (!MEDIA.test(name)) {
      out.skipped.push(entry.name);
      return;
    }
    // The declared size can be absent (streamed archives) or a lie, so it is only an early warning.
    if (entry.originalSize !== undefined && entry.originalSize > limits.maxBytes) {
      refuse(`it would unpack to more than ${mb(limits.maxBytes)}`);
      return;
    }
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    open.add(entry);
    pending.push(
      new Promise((resolve, reject) => {
        entry.ondata = (err, chunk, final) => {
          if (err) return reject(err);
          if (refused) return resolve();
          unpacked += chunk.length;
          if (unpacked > limits.maxBytes) {
            refuse(`it unpacks to more than ${mb(limits.maxBytes)}`);
            return resolve();
          }
          if (unpacked > RATIO_SLACK && unpacked > read * limits.maxRatio) {
            refuse(`it is compressed more than ${limits.maxRatio}:1, as a ZIP bomb would be`);
            return resolve();
          }
          chunks.push(chunk as Uint8Array<ArrayBuffer>);
          if (final) {
            open.delete(entry);
            out.files.push({ name, blob: new Blob(chunks) });
            resolve();
          }
        };
        entry.start();
      }),
    );
  });
  unzipper.register(UnzipInflate);
  unzipper.register(UnzipPassThrough);
  const reader = file.stream().getReader();
  // Pushing a small slice at a time keeps the ratio check close to the bytes actually read.
  const SLICE = 64 * 1024;
  reading: for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    for (let at = 0; at < value.length; at += SLICE) {
      const slice = value.subarray(at, at + SLICE);
      read += slice.length;
      unzipper.push(slice);
      if (refused) break reading;
    }
  }
  if (refused) {
    await reader.cancel(refused).catch(() => {}); // best effort: the stream is abandoned either way
    await Promise.all(pending);
    return { files: [], skipped: [], refused: `Not unpacked: ${refused}.` };
  }
  unzipper.push(new Uint8Array(0), true);
  await Promise.all(pending);
  return out;
}
