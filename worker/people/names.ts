// Person names are plain text a person typed: shown as text everywhere, never as HTML. Control and bidi
// characters are stripped (a name must not reorder or hide the text around it in lists), whitespace is
// collapsed, and the length is capped.
import { AppError } from '../errors';

export const MAX_NAME = 100;

// C0/C1 controls, bidi marks/embeddings/isolates, zero-width characters and the BOM.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** The cleaned name, or null when nothing is left (which clears the name). */
export function cleanName(raw: string | null): string | null {
  if (raw === null) return null;
  const name = raw.normalize('NFC').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
  const length = [...name].length;
  if (length > MAX_NAME) throw new AppError('text_too_long', `The name is ${length} characters; the limit is ${MAX_NAME}.`);
  return name || null;
}
