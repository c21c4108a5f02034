// The index's own copy in the Durable Object's SQLite storage: one row per photo (filter fields as JSON,
// the int8 embedding as a blob) and the feed seq it has caught up to. A restarted object reloads from
// here instead of reading the library back out of D1.
import type { IndexEntry } from './entry';

type Meta = Omit<IndexEntry, 'id' | 'embeddingModel' | 'vector'>;

/** Bumped when Meta gains a field D1 must fill in (2: people): an older copy is rebuilt from D1 once. */
const FORMAT = 2;

export class IndexStore {
  constructor(private readonly sql: SqlStorage, private readonly storage: DurableObjectStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS entries (id TEXT PRIMARY KEY, meta TEXT NOT NULL, model TEXT, vec BLOB)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value)`);
    const format = sql.exec<{ value: number }>(`SELECT value FROM state WHERE key = 'format'`).toArray()[0];
    if (Number(format?.value) !== FORMAT) {
      storage.transactionSync(() => {
        sql.exec(`DELETE FROM entries`);
        sql.exec(`DELETE FROM state WHERE key = 'seq'`);
        sql.exec(`INSERT INTO state (key, value) VALUES ('format', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, FORMAT);
      });
    }
  }

  /** Cached: every query reads it. undefined until first read. */
  private seqCache: number | null | undefined;

  /** The events seq the stored index reflects; null when the index was never built. */
  get seq(): number | null {
    if (this.seqCache === undefined) {
      const row = this.sql.exec<{ value: number }>(`SELECT value FROM state WHERE key = 'seq'`).toArray()[0];
      this.seqCache = row ? Number(row.value) : null;
    }
    return this.seqCache;
  }

  set seq(value: number) {
    this.sql.exec(`INSERT INTO state (key, value) VALUES ('seq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, value);
    // Read back next time: inside a transaction that rolls back, the value written here never was.
    this.seqCache = undefined;
  }

  /** The library this object indexes, recorded on first use. */
  get owner(): string | null {
    const row = this.sql.exec<{ value: string }>(`SELECT value FROM state WHERE key = 'library'`).toArray()[0];
    return row ? String(row.value) : null;
  }

  set owner(libraryId: string) {
    this.sql.exec(`INSERT INTO state (key, value) VALUES ('library', ?) ON CONFLICT (key) DO NOTHING`, libraryId);
  }

  /** Writes a batch atomically: a crash between rows and seq would otherwise skip or repeat events. */
  apply(upserts: IndexEntry[], removals: string[], seq?: number) {
    this.storage.transactionSync(() => {
      for (const e of upserts) {
        const meta = JSON.stringify({ t: e.t, day: e.day, kind: e.kind, lat: e.lat, lon: e.lon, make: e.make, model: e.model, tags: e.tags, people: e.people, text: e.text } satisfies Meta);
        if (e.vector === undefined) {
          this.sql.exec(`INSERT INTO entries (id, meta) VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET meta = excluded.meta`, e.id, meta);
        } else {
          this.sql.exec(
            `INSERT INTO entries (id, meta, model, vec) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET meta = excluded.meta, model = excluded.model, vec = excluded.vec`,
            e.id, meta, e.embeddingModel, e.vector ? e.vector.buffer.slice(e.vector.byteOffset, e.vector.byteOffset + e.vector.byteLength) : null,
          );
        }
      }
      for (const id of removals) this.sql.exec(`DELETE FROM entries WHERE id = ?`, id);
      if (seq !== undefined) this.seq = seq;
    });
  }

  /** The people of these photos, after a people.changed event. */
  setPeople(people: Map<string, string[]>) {
    this.storage.transactionSync(() => {
      for (const [id, list] of people) this.sql.exec(`UPDATE entries SET meta = json_set(meta, '$.people', json(?2)) WHERE id = ?1`, id, JSON.stringify(list));
    });
  }

  clear() {
    this.storage.transactionSync(() => {
      this.sql.exec(`DELETE FROM entries`);
      this.sql.exec(`DELETE FROM state WHERE key = 'seq'`);
    });
    this.seqCache = undefined;
  }

  *entries(): Generator<IndexEntry> {
    for (const row of this.sql.exec<{ id: string; meta: string; model: string | null; vec: ArrayBuffer | null }>(`SELECT id, meta, model, vec FROM entries`)) {
      const m = JSON.parse(row.meta) as Meta & { lat: number | null; lon: number | null; people?: string[] };
      yield { id: row.id, ...m, people: m.people ?? [], lat: m.lat ?? NaN, lon: m.lon ?? NaN, embeddingModel: row.model, vector: row.vec ? new Int8Array(row.vec) : null };
    }
  }

  *vectors(model: string): Generator<[string, Int8Array]> {
    for (const row of this.sql.exec<{ id: string; vec: ArrayBuffer }>(`SELECT id, vec FROM entries WHERE model = ? AND vec IS NOT NULL`, model)) {
      yield [row.id, new Int8Array(row.vec)];
    }
  }

  get bytes(): number {
    return this.storage.sql.databaseSize;
  }
}
