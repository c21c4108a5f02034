// A session encodes the same bytes as develop(), in whatever order its outputs are asked for.
import { describe, expect, it } from 'vitest';
import { fixture } from '../test/helpers';
import { develop, type OutputSpec } from './codec';
import { withSession } from './develop-session';

const SET: OutputSpec[] = [
  { name: 't150', long: 150, short: 150 },
  { name: 'd1080', long: 1920, short: 1080 },
  { name: 't600', long: 600, short: 600 },
  { name: 'd2160', long: 3840, short: 2160 },
];

describe('develop session', () => {
  it('keeps every output after one decode and encodes them smallest first, byte-identical to develop()', async () => {
    const bytes = await fixture('orient-landscape-6.jpg');
    const whole = await develop(bytes, { outputs: SET, method: 2 });
    const parts = await withSession(bytes, { outputs: SET, method: 2 }, async (s) => {
      expect(s.names).toEqual(['d2160', 'd1080', 't600', 't150']);
      expect(s.preview).toEqual(whole.preview);
      return ['t150', 't600', 'd1080', 'd2160'].map((name) => s.encode(name));
    });
    for (const out of parts) {
      expect([out.width, out.height], out.name).toEqual([whole.outputs[out.name].width, whole.outputs[out.name].height]);
      expect(out.bytes, out.name).toEqual(whole.outputs[out.name].bytes);
    }
    // Upright: the file is stored 1200×1800 with orientation 6; it shows as 1800×1200.
    expect([parts[1].width, parts[1].height]).toEqual([600, 400]);
  });

  it('encodes each output once', async () => {
    const err = await withSession(await fixture('photo-noexif.jpg'), { outputs: SET }, async (s) => {
      s.encode('t150');
      return s.encode('t150');
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/already encoded/);
  });
});
