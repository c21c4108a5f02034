// The stages ahead of the upload lanes: a pool of hash workers, then /check in batches of up to 1,000
// hashes, so by the time a lane is free the next new file is known and files the library already has
// are never sent. It runs a bounded distance ahead (a 10,000-file pick is not hashed all at once).
import type { Entry, EntryState } from './entry.svelte';
import { WHOLE_BYTES } from './sha256-group';
import { inSlices } from './slices';

/** The API checks up to this many hashes per call. */
export const CHECK_BATCH = 1000;
/** Files hashed but not yet sent, at most: enough to fill a /check batch while the lanes are busy. */
const LOOKAHEAD = 2 * CHECK_BATCH;
/**
 * Small files are hashed in groups of up to this many files and WHOLE_BYTES, one read per group:
 * Chromium's cost per read (sha256-group.ts) was most of hashing a folder of photos. A bigger file goes alone.
 */
const GROUP_FILES = 32;

export interface LookaheadHost {
  /** The hashes of the blobs, in order. */
  hash(blobs: Blob[]): Promise<string[]>;
  check(sha256: string[]): Promise<{ existing: Record<string, string> }>;
  blob(entry: Entry): Blob | undefined;
  hashes: Map<string, string>;
  setState(entry: Entry, state: EntryState): void;
  /** Checked and new: its turn for a lane. */
  ready(entry: Entry): void;
  duplicate(entry: Entry, photoId: string): void;
  fail(entry: Entry, err: unknown): void;
  /** Files checked and waiting for a lane, and how many files the lanes take in one round (a fuller /check batch waits only while more than that wait). */
  waiting(): number;
  lanes(): number;
  /** Something moved: run every stage again. */
  pump(): void;
}

export class Lookahead {
  // Files to hash (a head index, as 10,000 shifts would be quadratic), then hashed files to check.
  private toHash: Entry[] = [];
  private head = 0;
  /** Hash calls in flight, and the files they carry. */
  private hashing = 0;
  private hashingFiles = 0;
  private toCheck: Entry[] = [];
  private checking = 0;

  constructor(private readonly host: LookaheadHost, private readonly hashLanes: number) {}

  /** Queued files: hashed first, or only checked again when their hash is known (a retry). */
  add(entries: Entry[]) {
    for (const e of entries) {
      if (this.host.hashes.has(e.id)) this.toCheck.push(e);
      else this.toHash.push(e);
    }
  }

  pump() {
    this.pumpHashes();
    this.pumpChecks();
  }

  private pumpHashes() {
    while (this.hashing < this.hashLanes && this.head < this.toHash.length) {
      const group: Entry[] = [];
      const blobs: Blob[] = [];
      let bytes = 0;
      while (group.length < GROUP_FILES && this.head < this.toHash.length) {
        if (this.toCheck.length + this.checking + this.hashingFiles + group.length + this.host.waiting() >= LOOKAHEAD) break;
        const entry = this.toHash[this.head];
        const blob = this.host.blob(entry);
        if (entry.state === 'queued' && blob) {
          if (group.length && bytes + blob.size > WHOLE_BYTES) break;
          group.push(entry);
          blobs.push(blob);
          bytes += blob.size;
        }
        if (++this.head > 4096) {
          this.toHash = this.toHash.slice(this.head);
          this.head = 0;
        }
      }
      if (!group.length) break;
      void this.hash(group, blobs);
    }
  }

  private async hash(group: Entry[], blobs: Blob[]) {
    this.hashing++;
    this.hashingFiles += group.length;
    for (const e of group) this.host.setState(e, 'hashing');
    try {
      let results: Array<{ sha256: string } | { err: unknown }>;
      try {
        results = (await this.host.hash(blobs)).map((sha256) => ({ sha256 }));
      } catch (err) {
        // One unreadable file (moved or changed since the pick) fails the group's read: each is tried
        // alone, one after another in this call's lane, so only that file fails.
        results = [];
        for (const [i, blob] of blobs.entries()) {
          const alone = group.length === 1 || group[i].state !== 'hashing' ? Promise.reject(err) : this.host.hash([blob]);
          results.push(await alone.then(([sha256]) => ({ sha256 }), (e: unknown) => ({ err: e })));
        }
      }
      group.forEach((entry, i) => {
        if (entry.state !== 'hashing') return; // cancelled meanwhile
        const r = results[i];
        if ('err' in r) return this.host.fail(entry, r.err);
        this.host.hashes.set(entry.id, r.sha256);
        this.host.setState(entry, 'queued');
        this.toCheck.push(entry);
      });
    } finally {
      this.hashing--;
      this.hashingFiles -= group.length;
      this.host.pump();
    }
  }

  /**
   * One /check call at a time, carrying every hash that piled up meanwhile (up to 1,000): the lanes
   * are never starved for long, and a big pick costs few calls.
   */
  private pumpChecks() {
    if (this.checking || !this.toCheck.length) return;
    // A fuller batch is worth waiting for only while the lanes have work and more hashes are coming.
    const starving = this.host.waiting() < 2 * this.host.lanes();
    if (this.toCheck.length < CHECK_BATCH && !starving && this.hashing > 0) return;
    const batch = this.toCheck.splice(0, CHECK_BATCH).filter((e) => e.state === 'queued');
    if (!batch.length) return;
    this.checking = batch.length;
    void this.check(batch).finally(() => {
      this.checking = 0;
      this.host.pump();
    });
  }

  /** Marking and settling 1,000 entries took 40–55 ms on a busy machine: both go a time slice per task. */
  private async check(batch: Entry[]) {
    await inSlices(batch, (e) => e.state === 'queued' && this.host.setState(e, 'checking'), () => {});
    let existing: Record<string, string>;
    try {
      ({ existing } = await this.host.check(batch.map((e) => this.host.hashes.get(e.id)!)));
    } catch (err) {
      for (const e of batch) if (e.state === 'checking') this.host.fail(e, err);
      return;
    }
    await inSlices(batch, (e) => {
      if (e.state !== 'checking') return; // cancelled meanwhile
      const known = existing[this.host.hashes.get(e.id)!];
      if (known) this.host.duplicate(e, known);
      else {
        this.host.setState(e, 'queued');
        this.host.ready(e);
      }
    }, () => this.host.pump());
  }
}
