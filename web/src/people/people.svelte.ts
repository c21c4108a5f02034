// The people of the library, loaded on first use and kept current: a `people.changed` event (faces
// assigned, a rename, a merge elsewhere) refetches the list, debounced so a burst costs one request.
import type { FeedEvent } from '../../../worker/contract/feed';
import type { Person } from '../../../worker/contract/people';
import { errorMessage, type Api } from '../lib/api';

const REFRESH_MS = 500;

export class People {
  list = $state<Person[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** Bumped by every change the feed reports, so pages showing a person or a photo's faces refetch. */
  version = $state(0);
  private loading: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly api: Pick<Api, 'people' | 'patchPerson' | 'mergePerson' | 'createPerson'>) {}

  /** Loads once; later calls wait for the same load. */
  ensure(): Promise<void> {
    return this.loaded ? Promise.resolve() : (this.loading ??= this.load());
  }

  async load() {
    try {
      this.list = (await this.api.people()).people;
      this.loaded = true;
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err, 'Could not load people.');
    } finally {
      this.loading = null;
    }
  }

  get(id: string): Person | undefined {
    return this.list.find((p) => p.id === id);
  }

  name = (id: string): string | null => this.get(id)?.name ?? null;

  /** The person with this name (case and spacing ignored; shown people before hidden ones), if any. */
  byName = (name: string): Person | undefined => {
    const key = (s: string) => s.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
    const want = key(name);
    if (!want) return undefined;
    const named = this.list.filter((p) => p.name && key(p.name) === want);
    return named.find((p) => !p.hidden) ?? named[0];
  };

  apply(event: FeedEvent) {
    if (event.type !== 'people.changed' && event.type !== 'photo.deleted') return;
    this.version++;
    if (!this.loaded) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.load(), REFRESH_MS);
  }

  /** Renames (plain text; the server cleans it) and answers the stored name. */
  async rename(id: string, name: string): Promise<string | null> {
    const { person } = await this.api.patchPerson(id, { name: name.trim() || null });
    this.put(person);
    return person.name;
  }

  /** "Who is this?" on a face nobody was found for: a new, named person of that face. */
  async create(faceId: string, name: string): Promise<Person> {
    const { person } = await this.api.createPerson(faceId, name.trim());
    this.put(person);
    return person;
  }

  async setHidden(id: string, hidden: boolean) {
    this.put((await this.api.patchPerson(id, { hidden })).person);
  }

  /** `from`'s faces join `into`; `from` is gone. */
  async merge(from: string, into: string) {
    const { person } = await this.api.mergePerson(from, into);
    this.list = this.list.filter((p) => p.id !== from);
    this.put(person);
  }

  close() {
    clearTimeout(this.timer);
  }

  private put(person: Person) {
    const i = this.list.findIndex((p) => p.id === person.id);
    if (i >= 0) this.list[i] = person;
    else this.list.push(person);
  }
}
