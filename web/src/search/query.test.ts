import { describe, expect, it } from 'vitest';
import { chips, emptyQuery, fromParams, isEmpty, parseBox, searchPath, toParams, toRequest, withoutChip } from './query';

describe('search query', () => {
  it('round-trips through the URL', () => {
    const query = { q: 'red car', tags: ['beach', 'sea'], camera: 'iPhone 4', from: '2019-01-01', to: '2019-12-31', near: { lat: 48.85, lon: 2.29, km: 5 }, person: 'p_1', kind: 'video' as const, similarTo: 'ph_1' };
    expect(fromParams(toParams(query))).toEqual(query);
    expect(searchPath({ q: 'red', tags: [] })).toBe('/search?q=red');
  });

  it('drops malformed URL filters instead of sending them to fail', () => {
    expect(fromParams(new URLSearchParams('q=%20x%20&from=2019-1-1&type=gif&near=1,2&tag=&camera=%20'))).toEqual({ q: 'x', tags: [] });
    expect(isEmpty(emptyQuery())).toBe(true);
  });

  it('reads chips typed in the box and keeps the rest as words', () => {
    const q = parseBox('red tag:beach camera:"iPhone 4" from:2019-01-01 type:video near:48.8,2.3,5 foo:bar car', { q: 'old', tags: ['sea'], person: 'p_1' });
    expect(q).toEqual({ q: 'red foo:bar car', tags: ['sea', 'beach'], camera: 'iPhone 4', from: '2019-01-01', kind: 'video', near: { lat: 48.8, lon: 2.3, km: 5 }, person: 'p_1' });
    expect(parseBox('from:yesterday').q).toBe('from:yesterday');
    const byName = (name: string) => (name.toLowerCase() === 'ada lovelace' ? 'p_ada' : null);
    expect(parseBox('cake person:"Ada Lovelace"', emptyQuery(), byName)).toEqual({ q: 'cake', tags: [], person: 'p_ada' });
    expect(parseBox('person:Bob', emptyQuery(), byName)).toEqual({ q: 'person:Bob', tags: [] });
  });

  it('lists filters as chips that remove themselves', () => {
    const q = { q: 'x', tags: ['a', 'b'], person: 'p_1', kind: 'image' as const };
    const list = chips(q, (id) => (id === 'p_1' ? 'Ada' : null));
    expect(list.map((c) => c.label)).toEqual(['Tag: a', 'Tag: b', 'Person: Ada', 'Photos']);
    expect(withoutChip(q, list[0])).toEqual({ q: 'x', tags: ['b'], person: 'p_1', kind: 'image' });
    expect(withoutChip(q, list[2])).toEqual({ q: 'x', tags: ['a', 'b'], kind: 'image' });
  });

  it('sends the vector when there is one, else the words as text', () => {
    const vector = { model: { id: 'm' }, values: [1, 0] };
    const q = { q: 'red', tags: ['t'], camera: 'c' };
    expect(toRequest(q, vector, { limit: 30 })).toEqual({ vector, tags: ['t'], camera: 'c', limit: 30 });
    expect(toRequest(q, null, { cursor: 'k' })).toEqual({ text: 'red', tags: ['t'], camera: 'c', cursor: 'k' });
    expect(toRequest({ q: '', tags: [], similarTo: 'ph' }, null)).toEqual({ similarTo: 'ph' });
  });
});
