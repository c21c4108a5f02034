// Upload file names are shown to people and never used as keys (storage/keys.ts builds those).

/** Keeps the last path segment, drops control characters; the name is shown, never used as a key. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
  return clean || 'untitled';
}
