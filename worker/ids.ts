// Photo ids sort by creation time as plain strings, so "newest first" and cursors are `ORDER BY id DESC`.
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

export function newPhotoId(now = Date.now()): string {
  const random = crypto.getRandomValues(new Uint8Array(12));
  let tail = '';
  for (const byte of random) tail += ALPHABET[byte % 36];
  return now.toString(36).padStart(9, '0') + tail;
}

export const isPhotoId = (value: string) => /^[0-9a-z]{21}$/.test(value);
