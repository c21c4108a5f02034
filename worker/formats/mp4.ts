// Video metadata from an ISO-BMFF (MP4) or QuickTime file through range reads: the top-level box
// headers and the `moov` box, never the media data. `moov` may sit after gigabytes of `mdat`, so we
// hop from header to header (64-bit largesizes included) and read moov alone, capped at 1 MB.
import { child, children, fourcc, i32, readHeader, TOP_LEVEL, u16, u32, u64, VideoParseError, type Box } from './mp4-boxes';
import { QUICKTIME_FIRST } from './mp4-structure';
import { parseIso6709, readMovieTags, type Gps } from './mp4-meta';

export { VideoParseError } from './mp4-boxes';
export type { Gps } from './mp4-meta';

/** Reads `length` bytes at `offset` (fewer only at the end of the file). */
export type RangeReader = (offset: number, length: number) => Promise<Uint8Array>;

export interface VideoMetadata {
  durationMs: number;
  /** As displayed: the track header's rotation applied (a 320×240 track turned 90° is 240×320). */
  width: number | null;
  height: number | null;
  /** Clockwise degrees from the track matrix (exiftool's Rotation). */
  rotation: 0 | 90 | 180 | 270;
  /** Sample entry fourcc of the video track: avc1, hvc1, hev1, av01, vp09… */
  codec: string | null;
  fps: number | null;
  audio: boolean;
  /** ISO 8601 UTC from mvhd (else Apple's creationdate key); null when the file says 0. */
  createdAt: string | null;
  gps: Gps | null;
  make: string | null;
  model: string | null;
}

export const MAX_MOOV_BYTES = 1 << 20;
/** The first read; it holds ftyp and, for "fast start" files, usually the whole moov. */
const HEAD_BYTES = 64 * 1024;
/** Fragmented files have a moof per fragment; past this many top-level boxes we stop looking. */
const MAX_TOP_LEVEL_BOXES = 1024;
const EPOCH_1904 = Date.UTC(1904, 0, 1);

export async function readVideoMetadata(read: RangeReader, size: number, maxMoovBytes = MAX_MOOV_BYTES): Promise<VideoMetadata> {
  const head = await read(0, Math.min(size, HEAD_BYTES));
  if (head.length < 8 || (fourcc(head, 4) !== 'ftyp' && !QUICKTIME_FIRST.has(fourcc(head, 4)))) {
    throw new VideoParseError('not_video', 'the file does not start with an ISO-BMFF/QuickTime box');
  }
  let at = 0;
  for (let n = 0; n < MAX_TOP_LEVEL_BOXES && at < size; n++) {
    // Headers inside the head are parsed in place; beyond it, one 16-byte read per box.
    const inHead = at + 16 <= head.length || head.length === size;
    const bytes = inHead ? head.subarray(at) : await read(at, Math.min(16, size - at));
    const box = readHeader(bytes, 0, at, size, true, n === 1 ? TOP_LEVEL : undefined);
    if (!box) throw new VideoParseError('truncated', `${size - at} stray bytes at ${at}`);
    if (box.type === 'moov') {
      const length = box.end - box.body;
      if (length > maxMoovBytes) {
        throw new VideoParseError('moov_too_large', `moov is ${length} bytes; at most ${maxMoovBytes} are read`);
      }
      const moov = box.end <= head.length ? head.subarray(box.body, box.end) : await read(box.body, length);
      if (moov.length < length) throw new VideoParseError('truncated', 'the file ends inside moov');
      return parseMoov(moov, box.body);
    }
    at = box.end;
  }
  throw new VideoParseError(at >= size ? 'no_moov' : 'bad_box', at >= size ? 'no moov box' : 'too many top-level boxes');
}

interface Track {
  handler: string;
  enabled: boolean;
  codec: string | null;
  width: number;
  height: number;
  rotation: 0 | 90 | 180 | 270;
  timescale: number;
  samples: number;
  sampleTime: number;
}

function parseMoov(b: Uint8Array, base: number): VideoMetadata {
  const kids = children(b, base, base, base + b.length);
  const at = (x: Box, k = 0) => x.body - base + k;
  const mvhd = child(kids, 'mvhd');
  if (!mvhd) throw new VideoParseError('bad_box', 'moov has no mvhd');
  const v1 = b[at(mvhd)] === 1;
  const created = v1 ? u64(b, at(mvhd, 4)) : u32(b, at(mvhd, 4));
  const timescale = u32(b, at(mvhd, v1 ? 20 : 12));
  let duration = v1 ? u64(b, at(mvhd, 24)) : u32(b, at(mvhd, 16));
  // Fragmented MP4: mvhd may say 0 and the whole duration lives in mvex/mehd.
  const mehd = child(children(b, base, child(kids, 'mvex')?.body ?? base, child(kids, 'mvex')?.end ?? base), 'mehd');
  if (!duration && mehd) duration = b[at(mehd)] === 1 ? u64(b, at(mehd, 4)) : u32(b, at(mehd, 4));
  const tracks = kids.filter((x) => x.type === 'trak').map((t) => parseTrak(b, base, t));
  // Cameras add small preview or cover tracks (often disabled): take the enabled video track with
  // the most samples, so a thumbnail track never decides the size or codec.
  const video = tracks
    .filter((t) => t.handler === 'vide')
    .sort((x, y) => Number(y.enabled) - Number(x.enabled) || y.samples - x.samples)[0];
  if (!video) throw new VideoParseError('no_video_track', 'the movie has no video track');
  const tags = readMovieTags(b, base, kids);
  const quarter = video.rotation === 90 || video.rotation === 270;
  return {
    durationMs: timescale ? Math.round((duration / timescale) * 1000) : 0,
    width: (quarter ? video.height : video.width) || null,
    height: (quarter ? video.width : video.height) || null,
    rotation: video.rotation,
    codec: video.codec,
    fps: video.sampleTime ? Math.round((video.samples * video.timescale * 1000) / video.sampleTime) / 1000 : null,
    audio: tracks.some((t) => t.handler === 'soun'),
    createdAt: movieTime(created) ?? isoDate(tags.creationDate),
    gps: parseIso6709(tags.location),
    make: tags.make,
    model: tags.model,
  };
}

/** Seconds since 1904 → ISO; 0 (unset) and pre-1970 values (a Unix time written as 1904-based) → null. */
function movieTime(seconds: number): string | null {
  const ms = EPOCH_1904 + seconds * 1000;
  return seconds && ms >= 0 && ms < 8.64e15 ? new Date(ms).toISOString() : null;
}

function isoDate(s: string | null): string | null {
  const t = s ? Date.parse(s.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')) : NaN;
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

function parseTrak(b: Uint8Array, base: number, trak: Box): Track {
  const off = (x: Box, k = 0) => x.body - base + k;
  const inside = (x: Box | undefined) => (x ? children(b, base, x.body, x.end) : []);
  const kids = inside(trak);
  const mdia = inside(child(kids, 'mdia'));
  const stbl = inside(child(inside(child(mdia, 'minf')), 'stbl'));
  const track: Track = { handler: '', enabled: true, codec: null, width: 0, height: 0, rotation: 0, timescale: 0, samples: 0, sampleTime: 0 };
  const hdlr = child(mdia, 'hdlr');
  if (hdlr && hdlr.end - hdlr.body >= 12) track.handler = fourcc(b, off(hdlr, 8));
  const mdhd = child(mdia, 'mdhd');
  if (mdhd) track.timescale = u32(b, off(mdhd, b[off(mdhd)] === 1 ? 20 : 12));
  const tkhd = child(kids, 'tkhd');
  // tkhd: version/flags, times/id/duration (20 or 32 bytes), 16 reserved/layer/volume bytes, matrix, size.
  if (tkhd && tkhd.end - tkhd.body >= (b[off(tkhd)] === 1 ? 96 : 84)) {
    track.enabled = (b[off(tkhd, 3)] & 1) === 1;
    const m = off(tkhd, b[off(tkhd)] === 1 ? 52 : 40);
    // Matrix [a b u; c d v; x y w] in 16.16: the rotation is the angle of (a, b).
    const degrees = Math.round((Math.atan2(i32(b, m + 4), i32(b, m)) * 180) / Math.PI / 90) * 90;
    track.rotation = ((degrees + 360) % 360) as Track['rotation'];
    track.width = Math.round(u32(b, m + 36) / 65536);
    track.height = Math.round(u32(b, m + 40) / 65536);
  }
  const stsd = child(stbl, 'stsd');
  if (stsd && stsd.end - stsd.body >= 16) {
    const entry = off(stsd, 8);
    track.codec = fourcc(b, entry + 4);
    if (track.codec === 'encv' || track.codec === 'enca') track.codec = originalFormat(b, base, stsd.body + 8, stsd.end) ?? track.codec;
    // A visual sample entry keeps the coded size at 32/34; used when tkhd has none.
    if (track.handler === 'vide' && !track.width && entry + 36 <= stsd.end - base) {
      track.width = u16(b, entry + 32);
      track.height = u16(b, entry + 34);
    }
  }
  const stts = child(stbl, 'stts');
  if (stts) {
    const count = u32(b, off(stts, 4));
    // Each entry is (sample count, sample delta); the declared count is trusted only as far as the bytes go.
    for (let i = 0, e = off(stts, 8); i < count && e + 8 <= stts.end - base; i++, e += 8) {
      track.samples += u32(b, e);
      track.sampleTime += u32(b, e) * u32(b, e + 4);
    }
  }
  return track;
}

/** Encrypted entries (encv/enca) name the real codec in sinf/frma. */
function originalFormat(b: Uint8Array, base: number, entryStart: number, limit: number): string | null {
  const entry = children(b, base, entryStart, limit)[0];
  if (!entry) return null;
  // The sinf sits after the fixed fields of the sample entry; scan for it rather than decode them all.
  for (let i = entry.body; i + 16 <= entry.end; i++) {
    if (fourcc(b, i - base + 4) === 'sinf') {
      const frma = child(children(b, base, i + 8, Math.min(entry.end, i + u32(b, i - base))), 'frma');
      return frma ? fourcc(b, frma.body - base) : null;
    }
  }
  return null;
}
