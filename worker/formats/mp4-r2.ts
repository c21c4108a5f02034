// The MP4 reader's range reader over an R2 object: one ranged GET per call, so a video stage reads
// the box headers and moov of a stored original without streaming its media data.
import type { RangeReader } from './mp4';

/** A reader for `key`, plus the object's size (needed to follow box sizes to the end of the file). */
export async function r2RangeReader(bucket: R2Bucket, key: string): Promise<{ read: RangeReader; size: number } | null> {
  const head = await bucket.head(key);
  if (!head) return null;
  const read: RangeReader = async (offset, length) => {
    if (length === 0) return new Uint8Array(0);
    const object = await bucket.get(key, { range: { offset, length } });
    // The object vanished between calls (deleted while being read): the caller's stage should stop.
    if (!object) throw new Error(`R2 object ${key} is gone`);
    return new Uint8Array(await object.arrayBuffer());
  };
  return { read, size: head.size };
}
