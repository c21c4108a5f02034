// /api/search — photos by meaning (a query embedding or another photo), words and filters; and groups of
// near-duplicate photos. The work lives in worker/search/.
import { Hono } from 'hono';
import { NearDuplicatesQuery, SearchRequest } from '../contract/search';
import type { AppEnv } from '../env';
import { costHeaders, nearDuplicates, search } from '../search/search';
import { validate } from '../validate';

export const searchRoutes = new Hono<AppEnv>()
  .post('/', validate('json', SearchRequest), async (c) => {
    const { body, cost } = await search(c.env, c.var.libraryId, c.req.valid('json'));
    return c.json(body, 200, costHeaders(cost));
  })

  .get('/near-duplicates', validate('query', NearDuplicatesQuery), async (c) => {
    const { body, cost } = await nearDuplicates(c.env, c.var.libraryId, c.req.valid('query'));
    return c.json(body, 200, costHeaders(cost));
  });
