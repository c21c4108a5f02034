import { describe, expect, it } from 'vitest';
import { parseIso6709 } from './mp4-meta';

describe('parseIso6709', () => {
  it.each([
    ['+48.8584+002.2945/', { lat: 48.8584, lon: 2.2945 }],
    ['-33.8568+151.2153/', { lat: -33.8568, lon: 151.2153 }],
    ['+37.3349-122.0090+020.000/', { lat: 37.3349, lon: -122.009, alt: 20 }],
    ['+00.0000+000.0000/', { lat: 0, lon: 0 }],
    ['+4851.504+00217.670/', { lat: 48 + 51.504 / 60, lon: 2 + 17.67 / 60 }],
  ])('%s', (s, gps) => {
    const got = parseIso6709(s)!;
    expect(got.lat).toBeCloseTo(gps.lat, 9);
    expect(got.lon).toBeCloseTo(gps.lon, 9);
    expect(got.alt).toBe((gps as { alt?: number }).alt);
  });
  it.each(['', 'garbage', '+91.0+000.0/', '+45.0+181.0/', '48.85 2.29'])('refuses %j', (s) => expect(parseIso6709(s)).toBeNull());
});
