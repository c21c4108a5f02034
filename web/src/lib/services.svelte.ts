// Everything that lives as long as a sign-in: the live feed, the photos, the upload queue, the analysis
// runner and the library's settings. Built once when the user signs in and closed on sign-out, so no
// page owns them and navigating never restarts an upload, the socket or the models.
import { DEFAULT_SETTINGS, type Settings } from '../../../worker/contract/settings';
import { AnalysisRunner } from '../analysis/runner.svelte';
import { Feed } from '../feed/feed.svelte';
import { Library } from '../gallery/library.svelte';
import { People } from '../people/people.svelte';
import { QueryEncoder } from '../search/query-encoder.svelte';
import { hashLanes, sha256, warmHashers } from '../upload/hasher';
import { posterAfterUpload } from '../video/poster-jobs';
import { UploadQueue } from '../upload/queue.svelte';
import { idbStore } from '../upload/store';
import type { Api } from './api';

export class Services {
  readonly feed: Feed;
  readonly library: Library;
  readonly queue: UploadQueue;
  readonly runner: AnalysisRunner;
  /** Search's text encoder, from the library's model host; kept across searches (its worker stops itself when idle). */
  readonly encoder = new QueryEncoder(() => this.settings.analysis.modelHost);
  readonly people: People;
  /** The library's settings (variant names and widths); the defaults until the server has answered. */
  settings = $state.raw<Settings>(DEFAULT_SETTINGS);
  /** Settles once the server's settings are in (or could not be had): what search waits for before choosing a model. */
  readonly settingsLoaded: Promise<void>;
  private readonly unsubscribe: Array<() => void>;

  constructor(readonly api: Api) {
    this.feed = new Feed(api.token);
    this.library = new Library(api);
    this.queue = new UploadQueue({
      hash: sha256,
      warm: warmHashers,
      check: api.check,
      upload: (b, n, o) => api.upload(b, n, o),
      uploadBatch: (files, o) => api.uploadBatch(files, o),
      resumable: { create: api.createUpload, get: api.getUpload, part: api.uploadPart, complete: api.completeUpload },
      store: idbStore,
      uploaded: (blob, photo) => void posterAfterUpload(api, blob, photo),
    }, { hashLanes: hashLanes() });
    this.runner = new AnalysisRunner(api);
    this.people = new People(api);
    this.unsubscribe = [
      this.feed.subscribe((e) => this.library.apply(e)),
      this.feed.subscribe((e) => this.people.apply(e)),
      this.feed.onResync(() => this.library.reload()),
    ];
    this.feed.connect();
    void this.library.start();
    void this.queue.restore();
    // Best effort: until (or unless) the settings arrive, the defaults name the sizes; a photo's own
    // URLs still show, only srcset may lack a width for a variant size the defaults do not know.
    this.settingsLoaded = api.settings().then((r) => void (this.settings = r.settings), () => {});
    (window as unknown as { darkroom: object }).darkroom = { feed: this.feed, library: this.library, queue: this.queue, runner: this.runner, encoder: this.encoder }; // diagnostics from the console
  }

  close() {
    for (const stop of this.unsubscribe) stop();
    this.feed.close();
    this.queue.pause();
    this.runner.stop();
    this.encoder.close();
    this.people.close();
  }
}
