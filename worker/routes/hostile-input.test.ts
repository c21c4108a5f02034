// Nothing a client sends yields a 500: every route with a malformed path, every JSON route with malformed,
// mistyped and oversized bodies. Routes are read from the app itself, so a new route is covered at once.
import { describe, expect, it } from 'vitest';
import { app } from '../app';
import { api, newLibrary } from '../test/helpers';

const BAD = '%E0%A4%A'; // a truncated UTF-8 sequence: not valid percent-encoding
const routes = app.routes.filter((r) => r.method !== 'ALL').map((r) => ({ method: r.method, path: r.path }));
const unique = [...new Map(routes.map((r) => [`${r.method} ${r.path}`, r])).values()];
const withBad = (path: string) => path.replace(/:[A-Za-z]+/g, BAD).replace(/\*$/, `${BAD}/x`);

/** Never a 500; an error is a coded 4xx. Routes that take no body (retry-failed, cancel…) may answer 2xx. */
async function notAServerError(res: Response, what: string) {
  const text = await res.text();
  expect(res.status, `${what}: ${text}`).toBeLessThan(500);
  if (res.status >= 400 && text) expect((JSON.parse(text) as { error: { code: string } }).error.code, what).toBeTruthy();
  return res.status;
}

async function codedClientError(res: Response) {
  const text = await res.text();
  expect(res.status, text).toBeGreaterThanOrEqual(400);
  expect(res.status, text).toBeLessThan(500);
  return text ? (JSON.parse(text) as { error: { code: string } }).error.code : null;
}

describe('malformed paths', () => {
  it('knows the routes it walks', () => {
    expect(unique.length).toBeGreaterThan(25);
    expect(unique.some((r) => r.path === '/models/*')).toBe(true);
  });

  it('answers 400 on every route with a malformed percent-encoding in the path', async () => {
    const { token } = await newLibrary();
    const checked: string[] = [];
    for (const r of unique) {
      const path = withBad(r.path);
      if (path === r.path) continue;
      const res = await api(path, { method: r.method, token });
      expect(await codedClientError(res), `${r.method} ${path}`).toBe('invalid_request');
      checked.push(`${r.method} ${r.path}`);
    }
    expect(checked).toContain('GET /models/*');
    expect(checked).toContain('PUT /api/models/*');
    expect(checked.length).toBeGreaterThan(15);
  });

  it('answers 4xx when only the query string is malformed', async () => {
    const { token } = await newLibrary();
    for (const r of unique.filter((x) => x.method === 'GET' && !x.path.includes(':') && !x.path.includes('*'))) {
      await notAServerError(await api(`${r.path}?cursor=${BAD}&limit=${BAD}&since=${BAD}`, { method: r.method, token }), r.path);
    }
  });
});

/** Routes whose body is a file, not JSON (they have their own tests). */
const FILE_ROUTES = new Set(['PUT /api/photos', 'POST /api/photos', 'PUT /api/uploads/:id/parts/:n', 'PUT /api/models/*', 'PUT /api/photos/:id/poster']); // image bodies, bounded by their own routes
const jsonRoutes = unique.filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method) && !FILE_ROUTES.has(`${r.method} ${r.path}`));

const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
const BODIES: Array<[string, string]> = [
  ['truncated JSON', '{"a":'],
  ['not JSON', 'hello'],
  ['empty', ''],
  ['null', 'null'],
  ['a string', '"x"'],
  ['a number', '1e999'],
  ['an array', '[1,2,3]'],
  ['deep nesting', deep(5000)],
  ['wrong types', JSON.stringify({ sha256: 5, name: [], limit: 'x', query: {}, leaseId: 1, models: 'x', filename: 1, size: 'big', faceId: null })],
  ['huge values', JSON.stringify({ sha256: Array(5000).fill('0'.repeat(64)), name: 'x'.repeat(100_000), size: 1e308, limit: 1e308, query: 'q'.repeat(200_000), batchSize: -1e308 })],
  ['prototype keys', '{"__proto__":{"admin":true},"constructor":{"prototype":{}}}'],
  ['lone surrogates', '{"name":"\\ud800","query":"\\udfff","filename":"\\ud800.jpg"}'],
];

/** Routes that validate a JSON body: every malformed body above must be refused. */
const MUST_REFUSE = new Set(['POST /api/photos/check', 'PUT /api/settings', 'POST /api/uploads', 'POST /api/search', 'POST /api/analysis/claim']);

describe('JSON routes refuse malformed bodies with a coded 4xx', () => {
  it('covers the JSON routes', () => {
    expect(jsonRoutes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['POST /api/photos/check', 'PUT /api/settings', 'POST /api/uploads', 'POST /api/search']));
  });

  for (const [label, body] of BODIES) {
    it(`${label}`, async () => {
      const { token } = await newLibrary();
      for (const r of jsonRoutes) {
        const path = r.path.replace(/:[A-Za-z]+/g, 'zzzzzzzzzzzzzzzzzzzzz');
        const res = await api(path, { method: r.method, token, body, headers: { 'Content-Type': 'application/json' } });
        const status = await notAServerError(res, `${r.method} ${path}`);
        if (MUST_REFUSE.has(`${r.method} ${r.path}`)) expect(status, `${r.method} ${path}`).toBeGreaterThanOrEqual(400);
      }
    });
  }

  it('refuses a JSON body over 1 MB before parsing it, with or without a Content-Length', async () => {
    const { token } = await newLibrary();
    const big = JSON.stringify({ sha256: Array(20_000).fill('a'.repeat(64)) });
    expect(big.length).toBeGreaterThan(1024 * 1024);
    for (const r of jsonRoutes) {
      const path = r.path.replace(/:[A-Za-z]+/g, 'zzzzzzzzzzzzzzzzzzzzz');
      const sized = await api(path, { method: r.method, token, body: big, headers: { 'Content-Type': 'application/json' } });
      const chunked = await api(path, { method: r.method, token, body: new Blob([big]).stream(), headers: { 'Content-Type': 'application/json' } });
      if (r.path === '/api/analysis/:id') continue; // bounded by its own route
      expect(await codedClientError(sized), `${r.method} ${path}`).toBe('too_large');
      expect(await codedClientError(chunked), `${r.method} ${path} (chunked)`).toBe('too_large');
    }
  });
});
