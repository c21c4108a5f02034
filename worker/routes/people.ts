// /api/people and /api/faces — people found in the library's faces, and the corrections a person makes:
// names, hiding, merges, moving a face or saying "not this person". Mounted at /api.
import { Hono } from 'hono';
import { CreatePersonBody, MergeBody, MoveFaceBody, PatchPersonBody, type MoveFaceResponse, type PeopleResponse, type PersonResponse } from '../contract/people';
import type { AppEnv, Bindings } from '../env';
import { AppError } from '../errors';
import { publish } from '../feed/publish';
import { createPerson, mergePeople, moveFace, patchPerson } from '../people/decisions';
import { isFaceId, isPersonId } from '../people/ids';
import { cleanName } from '../people/names';
import { getPerson, listPeople, personFaces } from '../people/read';
import { validate } from '../validate';

/** Unknown, malformed and other libraries' ids all read as "no such person". */
function personParam(id: string) {
  if (!isPersonId(id)) throw new AppError('not_found', 'No such person.');
  return id;
}

async function personResponse(env: Bindings, libraryId: string, id: string): Promise<PersonResponse> {
  const person = await getPerson(env, libraryId, id);
  if (!person) throw new AppError('not_found', 'No such person.');
  return { person, faces: await personFaces(env.DB, libraryId, id) };
}

export const people = new Hono<AppEnv>()
  .get('/people', async (c) => c.json({ people: await listPeople(c.env, c.var.libraryId) } satisfies PeopleResponse))

  .post('/people', validate('json', CreatePersonBody), async (c) => {
    const { faceId, name: raw } = c.req.valid('json');
    if (!isFaceId(faceId)) throw new AppError('not_found', 'No such face.');
    const name = cleanName(raw);
    if (!name) throw new AppError('invalid_request', 'A new person needs a name.');
    const { id, events } = await createPerson(c.env.DB, c.var.libraryId, faceId, name, Date.now());
    c.executionCtx.waitUntil(publish(c.env, c.var.libraryId, events));
    return c.json(await personResponse(c.env, c.var.libraryId, id) satisfies PersonResponse, 201);
  })

  .get('/people/:id', async (c) => c.json(await personResponse(c.env, c.var.libraryId, personParam(c.req.param('id'))) satisfies PersonResponse))

  .patch('/people/:id', validate('json', PatchPersonBody), async (c) => {
    const id = personParam(c.req.param('id'));
    const body = c.req.valid('json');
    if (body.name === undefined && body.hidden === undefined) throw new AppError('invalid_request', 'Send "name" and/or "hidden".');
    const patch = { ...(body.name !== undefined && { name: cleanName(body.name) }), ...(body.hidden !== undefined && { hidden: body.hidden }) };
    const events = await patchPerson(c.env.DB, c.var.libraryId, id, patch, Date.now());
    c.executionCtx.waitUntil(publish(c.env, c.var.libraryId, events));
    return c.json(await personResponse(c.env, c.var.libraryId, id) satisfies PersonResponse);
  })

  .post('/people/:id/merge', validate('json', MergeBody), async (c) => {
    const id = personParam(c.req.param('id'));
    const into = personParam(c.req.valid('json').into);
    const events = await mergePeople(c.env.DB, c.var.libraryId, id, into, Date.now());
    c.executionCtx.waitUntil(publish(c.env, c.var.libraryId, events));
    return c.json(await personResponse(c.env, c.var.libraryId, into) satisfies PersonResponse);
  })

  .post('/faces/:faceId/person', validate('json', MoveFaceBody), async (c) => {
    const faceId = c.req.param('faceId');
    if (!isFaceId(faceId)) throw new AppError('not_found', 'No such face.');
    const { personId } = c.req.valid('json');
    const { face, events } = await moveFace(c.env.DB, c.var.libraryId, faceId, personId === null ? null : personParam(personId), Date.now());
    c.executionCtx.waitUntil(publish(c.env, c.var.libraryId, events));
    const person = face.person_id ? await getPerson(c.env, c.var.libraryId, face.person_id) : null;
    return c.json({ face: { id: face.id, photoId: face.photo_id, personId: face.person_id, personName: person?.name ?? null } } satisfies MoveFaceResponse);
  });
