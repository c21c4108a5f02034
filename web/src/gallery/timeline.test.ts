import { describe, expect, it } from 'vitest';
import { groupTimeline, photoDay, sectionLabel } from './timeline';

const photo = (id: string, takenAt: string | null, createdAt = '2026-12-01T09:00:00.000Z') => ({ id, createdAt, exif: takenAt === undefined ? null : { takenAt } });

describe('timeline', () => {
  it('takes the day from the EXIF local time, else the upload day', () => {
    // 00:30 on the 15th in Paris is still the 14th in UTC: the photo's own day wins.
    expect(photoDay(photo('b', '2019-07-15T00:30:00+02:00'))).toBe('2019-07-15');
    expect(photoDay(photo('c', null, '2024-02-29T23:59:59.000Z'))).toBe('2024-02-29');
    expect(photoDay({ createdAt: '2024-03-01T00:00:00.000Z', exif: null })).toBe('2024-03-01');
  });

  it('groups by day, newest first, keeping the order inside a day', () => {
    const photos = [photo('1', '2020-01-02T10:00:00'), photo('2', '2021-05-01T08:00:00'), photo('3', '2020-01-02T09:00:00'), photo('4', null, '2026-12-01T10:00:00Z')];
    const sections = groupTimeline(photos, 'day', 'en-GB');
    expect(sections.map((s) => s.key)).toEqual(['2026-12-01', '2021-05-01', '2020-01-02']);
    expect(sections[2].photos.map((p) => p.id)).toEqual(['1', '3']);
    expect(sections[0].label).toMatch(/^Tuesday,? 1 December 2026$/);
  });

  it('groups by month', () => {
    const sections = groupTimeline([photo('1', '2020-01-02T10:00:00'), photo('2', '2020-01-31T10:00:00'), photo('3', '2019-12-31T10:00:00')], 'month', 'en-GB');
    expect(sections.map((s) => [s.key, s.label, s.photos.length])).toEqual([['2020-01', 'January 2020', 2], ['2019-12', 'December 2019', 1]]);
  });

  it('labels the date of the key in any time zone', () => {
    expect(sectionLabel('2020-01-01', 'en-US')).toContain('January 1, 2020');
    expect(sectionLabel('2020-01', 'en-US')).toBe('January 2020');
  });

  it('agrees with the server on odd dates: a malformed EXIF time falls back to the upload day', () => {
    expect(photoDay(photo('v', '2019-07-15T00:30:00+00:00'))).toBe('2019-07-15'); // a video's mvhd time
    expect(photoDay(photo('x', '2019:07:15 10:00:00', '2024-02-29T23:59:59.000Z'))).toBe('2024-02-29');
    expect(photoDay(photo('y', '2019-07-15', '2024-02-29T23:59:59.000Z'))).toBe('2024-02-29');
  });
});
