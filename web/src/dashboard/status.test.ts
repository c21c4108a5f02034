import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Photo } from '../../../worker/contract/photo';
import type { StatusResponse } from '../../../worker/contract/status';
import { StatusModel } from './status.svelte';

const photo = (id: string, over: Partial<Photo> = {}): Photo => ({
  id, filename: `${id}.jpg`, sha256: id, mime: 'image/jpeg', kind: 'image', bytes: 1, width: 1, height: 1, status: 'pending',
  stages: { exif: { status: 'pending', attempts: 0 } }, exif: null, error: null, createdAt: '', updatedAt: '',
  placeholder: null, thumbnails: {}, variants: {}, analysis: null, video: null, ...over,
});
const at = 1;

describe('StatusModel.apply', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('moves counts, the processing list, the recent strip and failures as events arrive, unless paused', async () => {
    vi.useFakeTimers();
    const empty: StatusResponse = {
      counts: { pending: 0, processing: 0, completed: 0, failed: 0 }, stages: { video: {}, exif: {}, thumbnails: {}, variants: {}, analysis: {} }, queueDepth: 0,
      processing: [], recentlyCompleted: [], recentlyFailed: [],
      stageTimes: { video: { count: 0, avgMs: null, p95Ms: null }, exif: { count: 0, avgMs: null, p95Ms: null }, thumbnails: { count: 0, avgMs: null, p95Ms: null }, variants: { count: 0, avgMs: null, p95Ms: null }, analysis: { count: 0, avgMs: null, p95Ms: null } },
      photoTimes: { count: 0, avgMs: null, p95Ms: null }, throughput: { perMinute: 0, lastHour: 0, series: Array(30).fill(0) }, etaSeconds: 0, awaitingReanalysis: 0, seq: 0,
      breaker: { state: 'closed', since: null, nextTryAt: null }, engineFallbacks: {},
    };
    let server = empty;
    const model = new StatusModel({ status: async () => structuredClone(server) });
    await model.refresh();
    model.apply({ type: 'stats', seq: 1, at, counts: { pending: 2, processing: 1, completed: 0, failed: 0 } });
    model.apply({ type: 'photo.stage', seq: 2, at, photoId: 'a', stage: 'thumbnails', status: 'running', attempts: 1 });
    expect(model.data?.counts.pending).toBe(2);
    expect(model.data?.processing.map((p) => p.stage)).toEqual(['thumbnails']);

    // Time per photo, throughput and queue are the server's aggregates: they come with the next snapshot.
    server = {
      ...empty, counts: { pending: 2, processing: 0, completed: 1, failed: 0 }, queueDepth: 2,
      recentlyCompleted: [{ id: 'a', filename: 'a.jpg', thumbnail: '/t300', placeholder: null, completedAt: '', ms: 1234 }],
      throughput: { perMinute: 0.1, lastHour: 1, series: [...Array(29).fill(0), 1] },
    };
    model.apply({ type: 'photo.completed', seq: 3, at, photoId: 'a', photo: photo('a', { status: 'completed', thumbnails: { '150': '/t150', '300': '/t300', '600': '/t600' } }) });
    expect(model.data?.processing).toEqual([]);
    expect(model.data?.recentlyCompleted[0]).toMatchObject({ id: 'a', thumbnail: '/t300', ms: null }); // at once
    expect(model.data?.throughput.series.at(-1)).toBe(0); // an aggregate: not recomputed here
    await vi.advanceTimersByTimeAsync(1_000);
    expect(model.data?.recentlyCompleted[0]).toMatchObject({ id: 'a', thumbnail: '/t300', ms: 1234 });
    expect(model.data?.throughput.series.at(-1)).toBe(1);
    expect(model.data?.queueDepth).toBe(2);

    model.apply({ type: 'photo.failed', seq: 4, at, photoId: 'b', error: 'truncated', photo: photo('b', { status: 'failed' }) });
    expect(model.data?.recentlyFailed[0]).toMatchObject({ id: 'b', error: 'truncated', retryable: true });
    model.apply({ type: 'photo.failed', seq: 5, at, photoId: 'c', error: 'corrupt', photo: photo('c', { status: 'failed', retryable: false }) });
    expect(model.data?.recentlyFailed[0]).toMatchObject({ id: 'c', retryable: false });

    // The image service's breaker: the pause shows at once, and so does its end.
    model.apply({ type: 'pipeline.breaker', seq: 6, at, breaker: { state: 'open', since: 1000, nextTryAt: 31000 } });
    expect(model.data?.breaker).toEqual({ state: 'open', since: 1000, nextTryAt: 31000 });
    model.apply({ type: 'pipeline.breaker', seq: 7, at, breaker: { state: 'closed', since: null, nextTryAt: null } });
    expect(model.data?.breaker.state).toBe('closed');
    model.paused = true;
    model.apply({ type: 'stats', seq: 8, at, counts: { pending: 9, processing: 9, completed: 9, failed: 9 } });
    expect(model.data?.counts.pending).toBe(2);
  });
});
