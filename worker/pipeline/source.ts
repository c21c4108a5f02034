// The original (a video's poster) as engine input, for every stage of one run. It is read from R2 once and kept for the
// run when it is small enough (one GET instead of one per stage); a bigger one is streamed per stage.
// A HEIC that the image service cannot decode is decoded once here instead.
import type { Settings } from '../contract/settings';
import type { PipelinePhoto } from '../db/pipeline-claim';
import type { Bindings } from '../env';
import { PermanentError } from '../errors';
import { originalKey, posterKey } from '../storage/keys';
import type { DevelopSession } from '../engine/develop-session';
import type { Box, EngineInput } from './engine';
import { engineSkips, openEngine } from './engine-session';
import { decodeHeifToPng } from './heif-fallback';
import { assertDecodable } from './dimensions';
import { recordFallback } from '../db/engine-fallbacks';
import { imagesRefusal } from './images-limits';

const HEIF = /^image\/hei[cf]$/;
/** Originals up to this size are kept in memory for the run. */
const KEEP_BYTES = 32 * 1024 * 1024;
/** The libheif fallback needs the whole file in memory (plus its decode heap): refuse bigger ones. */
export const HEIF_FALLBACK_MAX_BYTES = 64 * 1024 * 1024;

export class PhotoSource {
  private decoded?: Promise<ArrayBuffer>;
  private kept?: Promise<ArrayBuffer>;
  private session?: Promise<DevelopSession | null>;
  private release = () => {};

  constructor(
    private readonly env: Bindings,
    private readonly photo: PipelinePhoto,
    private readonly settings: Settings,
  ) {}

  /** Runs `render` on the original; a HEIF the service refuses is retried through libheif. */
  async render<T>(render: (input: EngineInput) => Promise<T>): Promise<T> {
    assertDecodable(this.photo.width, this.photo.height, this.settings.maxMegapixels);
    if (this.decoded) return render(await this.decoded);
    try {
      return await render(await this.original());
    } catch (err) {
      if (!HEIF.test(this.photo.mime) || !(err instanceof PermanentError) || !/HEVC|compression format|heif/i.test(err.message)) throw err;
      if (this.photo.bytes > HEIF_FALLBACK_MAX_BYTES) {
        throw new PermanentError(`The HEIF file is ${Math.round(this.photo.bytes / 1048576)} MB; local HEIF decoding takes files up to ${HEIF_FALLBACK_MAX_BYTES / 1048576} MB.`);
      }
      this.decoded = this.original().then(async (s) => decodeHeifToPng(s instanceof ArrayBuffer ? s : await new Response(s).arrayBuffer(), this.largestOutput()));
      return render(await this.decoded);
    }
  }

  /**
   * The photo developed by our engine (decoded once for every stage of the run), or null when the binding
   * develops it (HEIC, GIF, or a fallback). The engine stays held until close().
   */
  developed(): Promise<DevelopSession | null> {
    return (this.session ??= this.openSession());
  }

  /** Releases the engine (end of the run). */
  close(): void {
    this.release();
  }

  private async openSession(): Promise<DevelopSession | null> {
    assertDecodable(this.photo.width, this.photo.height, this.settings.maxMegapixels);
    const skip = engineSkips(this.photo);
    if (skip === 'format') return null; // HEIC and GIF: the binding's, by design
    // Every fallback is logged with its reason and counted for GET /api/status (`engineFallbacks`).
    const fallback = (reason: string, detail: string) => {
      console.warn(`engine fallback (${reason}) for ${this.photo.id}: ${detail}`);
      recordFallback(this.env.DB, this.photo.libraryId, reason, Date.now()).catch((err) => console.warn('engine fallback not counted', String(err)));
    };
    if (skip) {
      const refused = imagesRefusal(this.photo.mime, this.photo.width, this.photo.height);
      if (refused) {
        fallback(`refused_${skip}`, `${this.photo.bytes} bytes`); // neither takes it: counted as refused
        throw new PermanentError(`The ${Math.round(this.photo.bytes / 1048576)} MB file is too big for the image engine, and ${refused}.`);
      }
      fallback(skip, `${this.photo.bytes} bytes`);
      return null;
    }
    const released = new Promise<void>((resolve) => (this.release = resolve));
    // Read for the engine alone, not kept: once decoded, the run needs no copy of the original.
    const bytes = this.fetch().then(async (s) => new Uint8Array(await new Response(s).arrayBuffer()));
    return openEngine(this.photo, this.settings, bytes, released, fallback);
  }

  private async original(): Promise<EngineInput> {
    // A video's pixels are its poster (≤ 16 MB, upload/poster.ts): always kept for the run.
    if (this.photo.kind === 'video' || this.photo.bytes <= KEEP_BYTES) return (this.kept ??= this.fetch().then((s) => new Response(s).arrayBuffer()));
    return this.fetch();
  }

  private async fetch(): Promise<ReadableStream<Uint8Array>> {
    const video = this.photo.kind === 'video';
    const obj = await this.env.PHOTOS.get((video ? posterKey : originalKey)(this.photo.libraryId, this.photo.id));
    if (!obj) throw new PermanentError(video ? 'The poster is missing from storage.' : 'The original file is missing from storage.');
    return obj.body;
  }

  /** The biggest box any output needs, turned to the photo's orientation. */
  private largestOutput(): Box {
    const thumb = Math.max(...this.settings.thumbnailSizes);
    let long = thumb, short = thumb;
    for (const v of this.settings.variantSizes) {
      long = Math.max(long, v.width, v.height);
      short = Math.max(short, Math.min(v.width, v.height));
    }
    const landscape = (this.photo.width ?? 1) >= (this.photo.height ?? 1);
    return landscape ? { width: long, height: short } : { width: short, height: long };
  }
}
