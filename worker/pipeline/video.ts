// The video stage: duration, displayed size, codec, frame rate, audio, creation time, GPS and camera read
// from the container's moov with range requests (formats/mp4.ts: box headers, then moov alone, ≤ 1 MB),
// never the media data — a phone video's moov may sit after gigabytes of mdat. Pixels (the poster) come
// from a browser later: PUT /api/photos/:id/poster adds the thumbnails and variants stages.
import type { Exif, VideoInfo } from '../contract/photo';
import type { StageResult } from '../db/pipeline-stages';
import { PermanentError } from '../errors';
import { readVideoMetadata, VideoParseError, type VideoMetadata } from '../formats/mp4';
import { r2RangeReader } from '../formats/mp4-r2';
import { originalKey } from '../storage/keys';
import type { StageContext } from './stage-context';

export async function runVideo({ env, photo }: StageContext): Promise<StageResult> {
  const reader = await r2RangeReader(env.PHOTOS, originalKey(photo.libraryId, photo.id));
  if (!reader) throw new PermanentError('The original file is missing from storage.');
  let meta: VideoMetadata;
  try {
    meta = await readVideoMetadata(reader.read, reader.size);
  } catch (err) {
    // The upload checked the top-level chain from the head only; a moov that is missing, damaged or over
    // the read cap is the file's own fault, and no retry can fix it.
    if (err instanceof VideoParseError) throw new PermanentError(`The video's container could not be read (${err.reason}): ${err.message}.`);
    throw err;
  }
  const video: VideoInfo = { durationMs: meta.durationMs, codec: meta.codec, fps: meta.fps, audio: meta.audio };
  const size = meta.width && meta.height ? { width: meta.width, height: meta.height } : undefined;
  // Later stages of this run (a poster's variants) turn their boxes by the displayed shape.
  if (size && (photo.width === null || photo.height === null)) Object.assign(photo, size);
  return { video, exif: videoExif(meta), ...(size && { size }) };
}

/** The photo-shaped metadata of a video: what a container records, everything else empty. */
export function videoExif(meta: VideoMetadata): Exif {
  // mvhd times are UTC by the spec, so the offset is known: +00:00, written the way photos write theirs.
  const takenAt = meta.createdAt ? meta.createdAt.replace(/\.\d{3}Z$|Z$/, '+00:00') : null;
  return {
    make: meta.make, model: meta.model, lens: null, iso: null, fNumber: null, exposureTime: null, focalLength: null,
    // The track matrix is already applied to width/height; there is no EXIF orientation to apply on top.
    orientation: 1,
    takenAt,
    offset: takenAt ? '+00:00' : null,
    gps: meta.gps ? { latitude: meta.gps.lat, longitude: meta.gps.lon, altitude: meta.gps.alt ?? null } : null,
    software: null, title: null, description: null, keywords: [],
  };
}
