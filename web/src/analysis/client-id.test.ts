import { describe, expect, it } from 'vitest';
import { analysisClientId } from './client-id';

/** A sessionStorage stand-in: one per tab. */
const tab = () => {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
};

describe('analysisClientId', () => {
  it('is one id per tab, kept across reloads, and a valid ClaimRequest.clientId', () => {
    const a = tab(), b = tab();
    const id = analysisClientId(a);
    expect(id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(analysisClientId(a)).toBe(id); // a reload of the same tab
    expect(analysisClientId(b)).not.toBe(id); // another tab
  });

  it('replaces a stored value the server would refuse', () => {
    const a = tab();
    a.setItem('darkroom.analysisClient', 'not valid!');
    expect(analysisClientId(a)).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });
});
