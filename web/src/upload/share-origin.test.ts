import { describe, expect, it } from 'vitest';
import { shareRefusal } from './share-origin';

const APP = 'https://photos.example';
const post = (headers: Record<string, string>, referrer?: string) =>
  new Request(`${APP}/share`, { method: 'POST', headers, ...(referrer ? { referrer } : {}) });

describe('share target origin check', () => {
  it('lets the OS share sheet and the app itself through', () => {
    expect(shareRefusal(post({}), APP)).toBeNull();
    expect(shareRefusal(post({ 'Sec-Fetch-Site': 'none' }), APP)).toBeNull();
    expect(shareRefusal(post({ 'Sec-Fetch-Site': 'same-origin', Origin: APP }), APP)).toBeNull();
  });

  it('refuses a POST from another site, origin or page', () => {
    expect(shareRefusal(post({ 'Sec-Fetch-Site': 'cross-site' }), APP)).toMatch(/another site/);
    expect(shareRefusal(post({ 'Sec-Fetch-Site': 'same-site' }), APP)).toMatch(/another site/);
    expect(shareRefusal(post({ Origin: 'https://evil.example' }), APP)).toMatch(/another origin/);
    expect(shareRefusal(post({ Origin: 'null' }), APP)).toMatch(/another origin/);
  });
});
