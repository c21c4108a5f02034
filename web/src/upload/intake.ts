// Turns whatever the user hands us (picked files, a dropped folder, a pasted image, a ZIP) into a flat
// list of files to upload, plus the names of things that are not photos.
import { yieldToPage } from './slices';
import { isZip, unzip } from './zip';

/** A name alone means "not a photo or video"; otherwise the reason is shown in the queue. */
export type Skipped = string | { name: string; reason: string };

export interface Intake {
  files: Array<{ name: string; blob: Blob }>;
  skipped: Skipped[];
}

/** How long the listing of a pick may hold the page before it lets other work in. */
const SLICE_MS = 8;

/** Sorts a pick, a time slice per task: for 10,000 files the checks alone took 20 ms and more. */
export async function filesFromList(list: Iterable<File>): Promise<Intake> {
  const out: Intake = { files: [], skipped: [] };
  let began = performance.now();
  for (const file of list) {
    if (performance.now() - began > SLICE_MS) {
      await yieldToPage();
      began = performance.now();
    }
    if (isZip(file)) {
      const inner = await unzip(file);
      if (inner.refused) out.skipped.push({ name: file.name, reason: inner.refused });
      // One by one: an archive of 200,000 small photos would overflow push(...inner.files).
      for (const f of inner.files) out.files.push(f);
      for (const n of inner.skipped) out.skipped.push(`${file.name}: ${n}`);
    } else if (file.name.startsWith('.')) {
      continue; // .DS_Store and friends from folder picks
    } else {
      out.files.push({ name: file.name || 'pasted-image', blob: file });
    }
  }
  return out;
}

/** Drops can carry folders: walk them with the entries API where the browser has it. */
export async function filesFromDataTransfer(dt: DataTransfer): Promise<Intake> {
  const entries = [...dt.items].map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  if (!entries.length) return filesFromList([...dt.files]);
  const files: File[] = [];
  const walk = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.isFile) {
      files.push(await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)));
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (!batch.length) break;
        for (const child of batch) await walk(child);
      }
    }
  };
  for (const entry of entries) await walk(entry);
  return filesFromList(files);
}
