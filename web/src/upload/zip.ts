// Unpacks a ZIP in the browser as it streams in (fflate). Photos and videos inside become uploads;
// anything else is reported as skipped.
import { Unzip, UnzipInflate, UnzipPassThrough } from 'fflate';

const MEDIA = /\.(jpe?g|png|webp|heic|heif|avif|tiff?|gif|mp4|mov)$/i;

export interface Unpacked {
  files: Array<{ name: string; blob: Blob }>;
  skipped: string[];
}

export const isZip = (file: File) => /\.zip$/i.test(file.name) || file.type === 'application/zip';

export async function unzip(file: Blob): Promise<Unpacked> {
  const out: Unpacked = { files: [], skipped: [] };
  const pending: Promise<void>[] = [];
  const unzipper = new Unzip((entry) => {
    const name = entry.name.split('/').pop() ?? entry.name;
    if (entry.name.endsWith('/') || name.startsWith('.') || entry.name.startsWith('__MACOSX/')) return;
    if (!MEDIA.test(name)) {
      out.skipped.push(entry.name);
      return;
    }
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    pending.push(
      new Promise((resolve, reject) => {
        entry.ondata = (err, chunk, final) => {
          if (err) return reject(err);
          chunks.push(chunk as Uint8Array<ArrayBuffer>);
          if (final) {
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
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    unzipper.push(value);
  }
  unzipper.push(new Uint8Array(0), true);
  await Promise.all(pending);
  return out;
}
