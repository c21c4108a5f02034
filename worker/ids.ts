// Photo ids sort by creation time as plain strings, so "newest first" and cursors are `ORDER BY id DESC`.
// Their shape is the contract's PHOTO_ID_PATTERN (21 characters of [0-9a-z]).
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

export function newPhotoId(now = Date.now()): string {
  const random = crypto.getRandomValues(new Uint8Array(12));
  let tail = '';
  for (const byte of random) tail += ALPHABET[byte % 36];
  return now.toString(36).padStart(9, '0') + tail;
}
