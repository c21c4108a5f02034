// A library's search index in memory: one slot per photo, columns for the filters, and the embeddings of
// the library's model as int8 rows in WebAssembly memory. Deleting moves the last slot into the hole,
// so slots stay dense and a scan touches only live photos.
import { after, TopK } from './top-k';
import type { Cursor } from './cursor';
import { DotRows, norm } from './dot';
import { NO_PEOPLE, type IndexEntry } from './entry';
import { compile, KIND_CODE, type Columns, type Filters } from './filters';

export interface Hit {
  id: string;
  score: number | null;
}

export interface IndexQuery {
  /** int8 query in the active model's space; null ranks newest first. */
  query: Int8Array | null;
  exclude?: string;
  filters: Filters;
  limit: number;
  cursor: Cursor | null;
}

const grow = <T extends Float64Array | Int32Array | Uint8Array>(a: T, cap: number): T => {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
};

export class LibraryIndex implements Columns {
  n = 0;
  ids: string[] = [];
  private readonly slotOf = new Map<string, number>();
  t = new Float64Array(0);
  day = new Int32Array(0);
  kind = new Uint8Array(0);
  lat = new Float64Array(0);
  lon = new Float64Array(0);
  /** 1 / ‖row‖ of the slot's embedding; 0 when the slot has none of the active model. */
  invNorm = new Float64Array(0);
  make: string[] = [];
  model: string[] = [];
  tags: string[][] = [];
  people: string[][] = [];
  text: string[] = [];
  /** The embedding model of each slot's stored vector (active or not). */
  vectorModel: Array<string | null> = [];
  rows: DotRows | null = null;
  activeModel: string | null = null;
  /** Photos per embedding model (the index's stats). */
  readonly modelCounts = new Map<string, number>();
  /** Photos per person: a person the index does not know is unknown to the library (404). */
  private readonly personCounts = new Map<string, number>();

  get size() {
    return this.n;
  }

  has(id: string) {
    return this.slotOf.has(id);
  }

  private reserve(n: number) {
    if (n <= this.t.length) return;
    const cap = Math.max(1024, Math.ceil(this.t.length * 1.25), n);
    this.t = grow(this.t, cap);
    this.day = grow(this.day, cap);
    this.kind = grow(this.kind, cap);
    this.lat = grow(this.lat, cap);
    this.lon = grow(this.lon, cap);
    this.invNorm = grow(this.invNorm, cap);
  }

  /** True when some photo of the library shows this person. */
  knowsPerson(id: string) {
    return this.personCounts.has(id);
  }

  /** The photos whose faces include any of these people. */
  photosOf(personIds: string[]): string[] {
    const wanted = new Set(personIds);
    const out: string[] = [];
    for (let s = 0; s < this.n; s++) if (this.people[s].some((p) => wanted.has(p))) out.push(this.ids[s]);
    return out;
  }

  /** Replaces a photo's people (after a people.changed event); false for a photo the index does not hold. */
  setPeople(id: string, people: string[]): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.countPeople(this.people[slot], -1);
    this.people[slot] = people.length ? people : NO_PEOPLE;
    this.countPeople(this.people[slot], 1);
    return true;
  }

  private countPeople(people: string[], by: number) {
    for (const p of people) {
      const n = (this.personCounts.get(p) ?? 0) + by;
      if (n > 0) this.personCounts.set(p, n);
      else this.personCounts.delete(p);
    }
  }

  private count(model: string | null, by: number) {
    if (model) this.modelCounts.set(model, (this.modelCounts.get(model) ?? 0) + by);
  }

  upsert(e: IndexEntry) {
    let slot = this.slotOf.get(e.id);
    const keepVector = slot !== undefined && e.vector === undefined;
    if (slot === undefined) {
      slot = this.n++;
      this.reserve(this.n);
      this.slotOf.set(e.id, slot);
      this.ids[slot] = e.id;
    } else if (e.vector !== undefined) {
      this.count(this.vectorModel[slot], -1);
    }
    this.t[slot] = e.t;
    this.day[slot] = e.day;
    this.kind[slot] = KIND_CODE[e.kind];
    this.lat[slot] = e.lat;
    this.lon[slot] = e.lon;
    this.make[slot] = e.make;
    this.model[slot] = e.model;
    this.tags[slot] = e.tags;
    if (this.people[slot]) this.countPeople(this.people[slot], -1);
    this.people[slot] = e.people.length ? e.people : NO_PEOPLE;
    this.countPeople(this.people[slot], 1);
    this.text[slot] = e.text;
    if (keepVector) return;
    this.vectorModel[slot] = e.vector ? e.embeddingModel : null;
    this.count(this.vectorModel[slot], 1);
    // Standalone use (tests, benches) takes the first model seen; the Durable Object activates the setting's.
    if (e.vector && this.activeModel === null) this.activate(e.embeddingModel!, e.vector.length);
    this.setVector(slot, e.vector && e.embeddingModel === this.activeModel ? e.vector : null);
  }

  /** The model of the embedding the index holds for this photo (null: none; undefined: unknown photo). */
  storedModel(id: string): string | null | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.vectorModel[slot];
  }

  private setVector(slot: number, vector: Int8Array | null) {
    if (!this.rows) return;
    const ok = vector !== null && vector.length === this.rows.dims;
    const n = ok ? norm(vector) : 0;
    if (ok && n > 0) this.rows.setRow(slot, vector);
    else this.rows.reserve(slot + 1);
    this.invNorm[slot] = n > 0 ? 1 / n : 0;
  }

  remove(id: string) {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    this.count(this.vectorModel[slot], -1);
    this.countPeople(this.people[slot], -1);
    this.slotOf.delete(id);
    const last = --this.n;
    if (slot !== last) {
      const moved = this.ids[last];
      this.ids[slot] = moved;
      this.slotOf.set(moved, slot);
      for (const col of [this.t, this.day, this.kind, this.lat, this.lon, this.invNorm]) col[slot] = col[last];
      for (const col of [this.make, this.model, this.tags, this.people, this.text, this.vectorModel] as unknown[][]) col[slot] = col[last];
      this.rows?.moveRow(last, slot);
    }
    for (const col of [this.ids, this.make, this.model, this.tags, this.people, this.text, this.vectorModel]) col.length = this.n;
  }

  /** Switches the searchable model; `vectors` are that model's embeddings, by photo id. */
  activate(model: string, dims: number, vectors: Iterable<[string, Int8Array]> = []) {
    this.activeModel = model;
    this.rows = new DotRows(dims);
    this.rows.reserve(this.n);
    this.invNorm.fill(0);
    for (const [id, v] of vectors) {
      const slot = this.slotOf.get(id);
      if (slot !== undefined) this.setVector(slot, v);
    }
  }

  get dims(): number | null {
    return this.rows?.dims ?? null;
  }

  /** A copy of the photo's embedding, if it has one of the active model. */
  vectorOf(id: string): Int8Array | null {
    const slot = this.slotOf.get(id);
    if (slot === undefined || !this.rows || this.invNorm[slot] === 0) return null;
    return this.rows.row(slot).slice(0, this.rows.dims);
  }

  search(q: IndexQuery): { hits: Hit[]; next: Cursor | null } {
    const test = compile(q.filters, this);
    const top = new TopK(q.limit + 1);
    const c = q.cursor;
    if (q.query) {
      if (!this.rows) return { hits: [], next: null };
      const qInv = 1 / norm(q.query);
      const offer = (slot: number, dot: number) => {
        const score = dot * this.invNorm[slot] * qInv;
        // Most of a library loses here, in one comparison, before any string is read.
        if (score < top.floor) return;
        const id = this.ids[slot];
        if (id === q.exclude || (c && 's' in c && !after(score, id, c.s, c.i))) return;
        top.offer(score, id, slot);
      };
      if (test) {
        const slots = new Int32Array(this.n);
        let m = 0;
        for (let s = 0; s < this.n; s++) if (this.invNorm[s] !== 0 && test(s)) slots[m++] = s;
        const dots = this.rows.dotSome(q.query, slots.subarray(0, m));
        for (let k = 0; k < m; k++) offer(slots[k], dots[k]);
      } else {
        const dots = this.rows.dotAll(q.query, this.n);
        for (let s = 0; s < this.n; s++) if (this.invNorm[s] !== 0) offer(s, dots[s]);
      }
    } else {
      for (let s = 0; s < this.n; s++) {
        // The time first: once the page is full, most photos are older than its last, and the filter
        // (string comparisons) never runs for them.
        if (this.t[s] < top.floor) continue;
        const id = this.ids[s];
        if ((test && !test(s)) || id === q.exclude || (c && 't' in c && !after(this.t[s], id, c.t, c.i))) continue;
        top.offer(this.t[s], id, s);
      }
    }
    const count = Math.min(q.limit, top.ids.length);
    const hits = top.ids.slice(0, count).map((id, k) => ({ id, score: q.query ? Math.max(-1, Math.min(1, top.keys[k])) : null }));
    const last = count - 1;
    const next = top.ids.length > q.limit ? (q.query ? { s: top.keys[last], i: top.ids[last] } : { t: top.keys[last], i: top.ids[last] }) : null;
    return { hits, next };
  }

  /** Bytes held: WebAssembly memory plus the columns (strings estimated at 2 bytes a character). */
  memoryBytes(): number {
    let strings = 0;
    for (let s = 0; s < this.n; s++) {
      strings += 2 * (this.ids[s].length + this.text[s].length + this.make[s].length + this.model[s].length) + 64;
      for (const t of this.tags[s]) strings += 2 * t.length + 16;
      for (const p of this.people[s]) strings += 2 * p.length + 16;
    }
    return (this.rows?.bytes ?? 0) + this.t.length * (8 * 4 + 4 + 1) + strings;
  }
}

