// One Durable Object per library holds its search index (see library-index.ts) and keeps it in step with
// D1 by reading the feed's event log from the seq it last applied. Every change to a photo already writes
// an event in the same transaction, so the index needs no hook in any route, cannot miss a change, and
// catches up before each query: a search sees every write that committed before it. Cost per query: one
// D1 read of the events since the last query (nothing new: one indexed lookup, ~1 row). The log-following
// lives in index-follower.ts, the ranking in search-answer.ts; this object only times and answers calls.
import { DurableObject } from 'cloudflare:workers';
import type { Bindings } from '../env';
import { IndexFollower } from './index-follower';
import { IndexStore } from './index-store';
import { nearDuplicateGroups, type DuplicateGroup } from './near-duplicates';
import { answerQuery, type Answer, type SearchPlan } from './search-answer';

export interface IndexStats {
  photos: number;
  embeddings: number;
  model: string | null;
  dims: number | null;
  memoryBytes: number;
  storageBytes: number;
  seq: number | null;
}

/** Timings (ms) and D1 rows read by the index for one call. */
export interface IndexCost {
  rowsRead: number;
  syncMs: number;
  searchMs: number;
}

/** `seq`: the last event of D1's log the answer reflects. */
export type SearchAnswer = Answer & { seq: number; cost: IndexCost };

export class SearchIndex extends DurableObject<Bindings> {
  private readonly follower = new IndexFollower(this.env, new IndexStore(this.ctx.storage.sql, this.ctx.storage));

  /**
   * Answers a query. With `sync: false` the object answers from memory without reading D1's log first and
   * says which seq its answer reflects: the caller reads its photos together with the log's latest seq
   * and asks again (synced) only when they differ — one D1 round trip per query instead of two.
   */
  async search(libraryId: string, plan: SearchPlan, opts: { sync?: boolean } = {}): Promise<SearchAnswer> {
    const started = performance.now();
    const f = this.follower;
    const rowsRead = opts.sync === false && f.index && f.store.seq !== null ? await f.followSettings(libraryId) : await f.sync(libraryId);
    const synced = performance.now();
    const answer: Answer = answerQuery(f.index!, plan);
    return { ...answer, seq: f.store.seq!, cost: { rowsRead, syncMs: synced - started, searchMs: performance.now() - synced } };
  }

  async nearDuplicates(libraryId: string, threshold: number): Promise<{ groups: DuplicateGroup[]; cost: IndexCost }> {
    const started = performance.now();
    const rowsRead = await this.follower.sync(libraryId);
    const synced = performance.now();
    const groups = nearDuplicateGroups(this.follower.index!, threshold);
    return { groups, cost: { rowsRead, syncMs: synced - started, searchMs: performance.now() - synced } };
  }

  /** Drops the stored index and reads the library again from D1 (also what happens when storage is empty). */
  async rebuild(libraryId: string): Promise<{ rowsRead: number; ms: number }> {
    const started = performance.now();
    this.follower.reset(libraryId);
    const rowsRead = await this.follower.sync(libraryId);
    return { rowsRead, ms: performance.now() - started };
  }

  async stats(libraryId: string): Promise<IndexStats> {
    const { store } = this.follower;
    await this.follower.sync(libraryId);
    const index = this.follower.index!;
    return {
      photos: index.size, embeddings: index.activeModel ? (index.modelCounts.get(index.activeModel) ?? 0) : 0,
      model: index.activeModel, dims: index.dims, memoryBytes: index.memoryBytes(), storageBytes: store.bytes, seq: store.seq,
    };
  }
}
