import { describe, expect, it } from 'vitest';
import { testEnv } from '../test/helpers';
import { MAX_MOOV_BYTES, readVideoMetadata, VideoParseError } from './mp4';
import { checkBoxStructure } from './mp4-structure';
import { be32, box, bytes, FTYP, largeHeader, memory, realMoov, refusal, truth, video, virtualFile } from './mp4-test-utils';

describe('readVideoMetadata against ffprobe/exiftool ground truth', () => {
  const accepted = Object.entries(truth).filter(([, t]) => t.expected_outcome === 'accept');
  it('covers rotation, GPS from ©xyz and Apple keys, make/model, moov at the end, AV1, VP9, no audio', () => {
    const all = accepted.map(([, t]) => t);
    expect(all.some((t) => t.rotation === 90)).toBe(true);
    expect(all.some((t) => t.codec === 'av01') && all.some((t) => t.codec === 'vp09')).toBe(true);
    expect(all.some((t) => t.topLevel!.at(-1) === 'moov')).toBe(true);
    expect(all.filter((t) => t.gps).length).toBeGreaterThanOrEqual(3);
    expect(all.filter((t) => t.make).length).toBeGreaterThanOrEqual(2);
    expect(all.some((t) => !t.audio) && all.some((t) => t.audio)).toBe(true);
  });

  it.each(accepted)('%s: every field', async (name, t) => {
    const file = memory(await video(name));
    const meta = await readVideoMetadata(file.read, file.size);
    expect(meta.durationMs).toBe(t.durationMs);
    expect(meta.codec).toBe(t.codec);
    expect(meta.rotation).toBe(t.rotation);
    expect([meta.width, meta.height]).toEqual([t.width, t.height]);
    expect(meta.fps).toBe(t.fps);
    expect(meta.audio).toBe(t.audio);
    expect(meta.createdAt).toBe(t.createdAt);
    if (t.gps) {
      expect(meta.gps!.lat).toBeCloseTo(t.gps.lat, 6);
      expect(meta.gps!.lon).toBeCloseTo(t.gps.lon, 6);
      expect(meta.gps!.alt).toBe(t.gps.alt);
    } else expect(meta.gps).toBeNull();
    expect(meta.make).toBe(t.make);
    expect(meta.model).toBe(t.model);
  });

  it.each(Object.entries(truth).filter(([, t]) => t.expected_outcome === 'reject'))('%s is refused', async (name, t) => {
    const file = memory(await video(name));
    expect(await refusal(readVideoMetadata(file.read, file.size))).toBe(t.error);
  });

  it.each(Object.entries(truth))('%s: upload structure check', async (name, t) => {
    const b = await video(name);
    const check = checkBoxStructure(b.subarray(0, 256 * 1024), b.length);
    expect(check.ok).toBe(t.validStructure);
    if (!check.ok) expect(check.reason).toBe(t.error);
  });
});

describe('range reads only', () => {
  it('finds moov after 5 GB of mdat (64-bit largesize) reading ≈ the moov alone', async () => {
    const moov = await realMoov('h264-rot90-gps.mp4');
    const mdat = 5 * 2 ** 30;
    const file = virtualFile([FTYP, largeHeader('mdat', mdat + 16), mdat, moov]);
    const meta = await readVideoMetadata(file.read, file.size);
    expect([meta.width, meta.height, meta.gps?.lat]).toEqual([240, 320, 48.8584]);
    expect(file.stats.bytesRead).toBeLessThan(moov.length + 64 * 1024 + 64);
    expect(file.stats.reads).toBeLessThanOrEqual(3);
  });

  it('refuses a moov over the cap without reading it', async () => {
    const file = virtualFile([FTYP, largeHeader('mdat', 16 + 10 ** 8), 10 ** 8, bytes(be32(MAX_MOOV_BYTES + 9), 'moov'), MAX_MOOV_BYTES + 1]);
    expect(await refusal(readVideoMetadata(file.read, file.size))).toBe('moov_too_large');
    expect(file.stats.bytesRead).toBeLessThan(70 * 1024);
  });

  it('says truncated when the file ends inside moov', async () => {
    const moov = await realMoov('av1-opus.mp4');
    const file = memory(bytes(FTYP, moov.subarray(0, moov.length - 100)));
    expect(await refusal(readVideoMetadata(file.read, file.size))).toBe('truncated');
  });
});

describe('hostile box sizes', () => {
  const cases: [string, Uint8Array, string][] = [
    ['size 0 (to the end) with no moov', bytes(FTYP, be32(0), 'mdat', new Uint8Array(100)), 'no_moov'],
    ['size 1 with a largesize below its header', bytes(FTYP, be32(1), 'mdat', be32(0), be32(8), new Uint8Array(64)), 'bad_box'],
    ['size 1 with a 2^60 largesize', bytes(FTYP, be32(1), 'mdat', be32(2 ** 28), be32(0), new Uint8Array(64)), 'truncated'],
    ['size 4, smaller than a header', bytes(FTYP, be32(4), 'free', new Uint8Array(64)), 'bad_box'],
    ['size 0xffffffff', bytes(FTYP, be32(0xffffffff), 'mdat', new Uint8Array(64)), 'truncated'],
    ['ftyp then binary garbage', bytes(FTYP, [0, 0, 0, 16, 1, 2, 3, 4], new Uint8Array(8)), 'not_video'],
    ['ftyp then an unknown box', bytes(FTYP, box('abcd', new Uint8Array(8))), 'not_video'],
    ['a moov child overflowing moov', bytes(FTYP, box('moov', box('mvhd', new Uint8Array(100)), be32(1000), 'trak')), 'bad_box'],
    ['moov without mvhd', bytes(FTYP, box('moov', box('trak'))), 'bad_box'],
    ['moov without a video track', bytes(FTYP, box('moov', box('mvhd', new Uint8Array(100)))), 'no_video_track'],
  ];
  it.each(cases)('%s', async (_, b, reason) => {
    const file = memory(b);
    expect(await refusal(readVideoMetadata(file.read, file.size))).toBe(reason);
    expect(file.stats.reads).toBeLessThan(5);
  });

  it('stops after 1024 top-level boxes instead of hopping through millions', async () => {
    const frees = new Uint8Array(8 * 5000);
    for (let i = 0; i < 5000; i++) frees.set(box('free'), i * 8);
    const file = memory(bytes(FTYP, frees, box('mdat', new Uint8Array(8))));
    expect(await refusal(readVideoMetadata(file.read, file.size))).toBe('bad_box');
    expect(file.stats.reads).toBe(1); // all inside the first 64 KB read
  });

  it('bounds counts that lie: stts and keys claiming 2^32 entries', async () => {
    const t = await realMoov('apple-keys-moov-at-end.mov');
    const moov = new Uint8Array(t);
    const patch = (type: string, at: number) => {
      const i = Buffer.from(moov).indexOf(type);
      moov.set([255, 255, 255, 255], i + 4 + at);
    };
    patch('stts', 4);
    patch('keys', 4);
    const file = memory(bytes(FTYP, moov));
    const meta = await readVideoMetadata(file.read, file.size);
    expect(meta.make).toBe('Apple');
    expect(meta.fps).toBe(25);
  });
});

describe('mutated files never escape as anything but VideoParseError', () => {
  // Deterministic xorshift so a failure reproduces; 300 mutations per fixture of bytes inside moov and
  // the top-level headers, where a wrong bound would turn into a RangeError, NaN, or a hang.
  function rng(seed: number) {
    let x = seed >>> 0 || 1;
    return () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) / 2 ** 32;
    };
  }
  it.each(Object.keys(truth).filter((n) => truth[n].expected_outcome === 'accept'))('%s', async (name) => {
    const original = await video(name);
    const moov = await realMoov(name);
    const moovAt = Buffer.from(original).indexOf(Buffer.from(moov.subarray(0, 8)));
    const random = rng(name.length * 7919);
    const outcomes = { parsed: 0, refused: 0 };
    for (let i = 0; i < 300; i++) {
      const b = new Uint8Array(original);
      for (let k = 0; k < 1 + Math.floor(random() * 4); k++) {
        const at = random() < 0.2 ? Math.floor(random() * 64) : moovAt + Math.floor(random() * moov.length);
        b[at] = random() < 0.5 ? Math.floor(random() * 256) : [0, 1, 0xff, 8][Math.floor(random() * 4)];
      }
      const file = memory(b);
      try {
        const meta = await readVideoMetadata(file.read, file.size);
        outcomes.parsed++;
        expect(Number.isFinite(meta.durationMs)).toBe(true);
      } catch (e) {
        if (!(e instanceof VideoParseError)) throw new Error(`mutation ${i}: ${String(e)}`);
        outcomes.refused++;
      }
      expect(checkBoxStructure(b, b.length)).toHaveProperty('ok');
    }
    expect(outcomes.parsed + outcomes.refused).toBe(300);
  });
});

describe('over real R2 range reads', () => {
  it('reads a 12 MB QuickTime with moov at the end in ≤ 4 ranged GETs and ≈ 64 KB + moov', async () => {
    const { r2RangeReader } = await import('./mp4-r2');
    const moov = await realMoov('apple-keys-moov-at-end.mov');
    const mdat = 12 * 2 ** 20;
    const whole = bytes(FTYP, be32(mdat + 8), 'mdat', new Uint8Array(mdat), moov);
    const key = `test/${crypto.randomUUID()}.mov`;
    await testEnv.PHOTOS.put(key, whole);
    const source = (await r2RangeReader(testEnv.PHOTOS, key))!;
    let reads = 0;
    let read = 0;
    const meta = await readVideoMetadata(async (o, l) => {
      reads++;
      read += l;
      return source.read(o, l);
    }, source.size);
    expect(meta).toMatchObject({ make: 'Apple', model: 'iPhone 12 Pro', width: 320, height: 180, fps: 25 });
    expect(reads).toBeLessThanOrEqual(4);
    expect(read).toBeLessThan(64 * 1024 + moov.length + 64);
    await testEnv.PHOTOS.delete(key);
    expect(await r2RangeReader(testEnv.PHOTOS, key)).toBeNull();
  });
});

describe('synthetic movies', () => {
  const identity = [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000].flatMap(be32);
  const mvhd = box('mvhd', [0, 0, 0, 0], be32(0), be32(0), be32(1000), be32(5000), new Uint8Array(80));
  function trak(handler: string, codec: string, w: number, h: number, samples: number, enabled: boolean, [tw, th] = [w, h]) {
    const tkhd = box('tkhd', [0, 0, 0, enabled ? 3 : 2], new Uint8Array(20), new Uint8Array(16), identity, be32(tw * 65536), be32(th * 65536));
    const mdhd = box('mdhd', [0, 0, 0, 0], be32(0), be32(0), be32(600), be32(samples * 20), [0, 0, 0, 0]);
    const hdlr = box('hdlr', [0, 0, 0, 0], be32(0), handler, new Uint8Array(12), [0]);
    const stsd = box('stsd', [0, 0, 0, 0], be32(1), box(codec, new Uint8Array(24), [w >> 8, w & 255, h >> 8, h & 255], new Uint8Array(50)));
    const stts = box('stts', [0, 0, 0, 0], be32(1), be32(samples), be32(20));
    return box('trak', tkhd, box('mdia', mdhd, hdlr, box('minf', box('stbl', stsd, stts))));
  }
  const parse = (moov: Uint8Array) => {
    const file = memory(bytes(FTYP, moov));
    return readVideoMetadata(file.read, file.size);
  };

  it('takes the enabled video track with the most samples, not a preview track listed first', async () => {
    const meta = await parse(box('moov', mvhd, trak('vide', 'jpeg', 160, 120, 1, false), trak('vide', 'hvc1', 1920, 1080, 150, true)));
    expect(meta).toMatchObject({ codec: 'hvc1', width: 1920, height: 1080, fps: 30, durationMs: 5000, audio: false });
  });

  it('reads iTunes-style udta/meta/ilst ©xyz/©mak/©mod (no keys)', async () => {
    const data = (s: string) => box('data', be32(1), be32(0), s);
    const meta = box('meta', [0, 0, 0, 0], box('hdlr', [0, 0, 0, 0], be32(0), 'mdir', new Uint8Array(13)), box('ilst', box('\xa9xyz', data('+12.3456-045.6789/')), box('\xa9mak', data('GoPro')), box('\xa9mod', data('HERO12 Black'))));
    const got = await parse(box('moov', mvhd, trak('vide', 'avc1', 640, 480, 10, true), trak('soun', 'mp4a', 0, 0, 10, true), box('udta', meta)));
    expect(got).toMatchObject({ gps: { lat: 12.3456, lon: -45.6789 }, make: 'GoPro', model: 'HERO12 Black', audio: true });
  });

  it('takes the size from the sample entry when tkhd has none, and ignores a zero creation time', async () => {
    const meta = await parse(box('moov', mvhd, trak('vide', 'vp09', 320, 240, 10, true, [0, 0])));
    expect(meta.createdAt).toBeNull();
    expect([meta.width, meta.height]).toEqual([320, 240]);
    const none = await parse(box('moov', mvhd, trak('vide', 'vp09', 0, 0, 10, true)));
    expect([none.width, none.height]).toEqual([null, null]); // unknown, not 0×0
  });
});
