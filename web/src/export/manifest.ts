// manifest.csv: one row per output file, so a ZIP of hundreds of crops can be traced back to its photos.
// RFC 4180 quoting; a cell starting with = + - @ is prefixed with ' so spreadsheets never run it.

export interface ManifestRow {
  sourcePhoto: string;
  sourceFilename: string;
  operation: 'remove-background' | 'crop-face' | 'resize' | 'convert';
  model: string;
  outputFile: string;
  /** The new photo's id when the output was saved into the library. */
  libraryPhoto?: string;
}

const HEADER = ['source_photo', 'source_filename', 'operation', 'model', 'output_file', 'library_photo'];

function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function manifestCsv(rows: readonly ManifestRow[]): string {
  const lines = [HEADER, ...rows.map((r) => [r.sourcePhoto, r.sourceFilename, r.operation, r.model, r.outputFile, r.libraryPhoto ?? ''])];
  return lines.map((l) => l.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** A file name safe in a ZIP on every OS: the photo's name without extension, plus a short id. */
export function outputStem(filename: string, photoId: string): string {
  const stem = filename.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_').replace(/^[._]+/, '').slice(0, 60) || 'photo';
  return `${stem}-${photoId.slice(-6)}`;
}
