// The name a download is saved under ends in the extension of the type we detected, never the one the
// uploader chose: `ftypisom<html>` uploaded as `v.html` must not be saved as an HTML page (review L3).

const EXTENSIONS: Record<string, string[]> = {
  'image/jpeg': ['jpg', 'jpeg', 'jpe'],
  'image/png': ['png'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'image/heic': ['heic', 'heif'],
  'image/heif': ['heif', 'heic'],
  'image/avif': ['avif'],
  'image/tiff': ['tiff', 'tif'],
  'video/mp4': ['mp4', 'm4v'],
  'video/quicktime': ['mov', 'qt'],
};

export function downloadName(filename: string, mime: string): string {
  const allowed = EXTENSIONS[mime];
  if (!allowed) return filename;
  const dot = filename.lastIndexOf('.');
  const ext = dot > 0 ? filename.slice(dot + 1).toLowerCase() : '';
  if (allowed.includes(ext)) return filename;
  return `${dot > 0 ? filename.slice(0, dot) : filename || 'file'}.${allowed[0]}`;
}
