// Upload file names are shown to people and never used as keys (storage/keys.ts builds those).

/**
 * Characters that are invisible or reorder text: C0/C1 controls, zero-width characters, bidi embeddings,
 * overrides and isolates, the BOM. `photo\u202Egpj.exe` would otherwise display as `photoexe.jpg`.
 */
// eslint-disable-next-line no-control-regex
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;

/** Keeps the last path segment, drops hidden and reordering characters; the name is shown, never used as a key. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(HIDDEN, '').trim().slice(0, 255);
  return clean || 'untitled';
}
