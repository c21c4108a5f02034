// People: faces grouped into persons a user can name, hide, merge, and correct. Request bodies are valibot
// schemas (the route validates with them); answers are types inferred from schemas too.
import * as v from 'valibot';

const Box = v.tuple([v.number(), v.number(), v.number(), v.number()]);

export const PersonSchema = v.object({
  id: v.string(),
  /** Plain text (never HTML), or null until someone names the person. */
  name: v.nullable(v.string()),
  faceCount: v.number(),
  photoCount: v.number(),
  /** The face to show as the avatar: crop `url` (a signed display variant) by `box` ([x, y, w, h], 0–1). */
  cover: v.object({ photoId: v.string(), box: Box, url: v.string() }),
  hidden: v.boolean(),
});
export type Person = v.InferOutput<typeof PersonSchema>;

export const PersonFaceSchema = v.object({
  id: v.string(),
  photoId: v.string(),
  box: Box,
  score: v.number(),
  /** True when a person put the face here: automation never moves it. */
  pinned: v.boolean(),
});
export type PersonFace = v.InferOutput<typeof PersonFaceSchema>;

/** GET /api/people: most photos first. Hidden people are listed too, flagged. */
export type PeopleResponse = { people: Person[] };
/** GET /api/people/:id (and the answer of PATCH and merge): the person and up to 500 of their faces, newest photos first. */
export type PersonResponse = { person: Person; faces: PersonFace[] };

export const PatchPersonBody = v.object({
  name: v.optional(v.nullable(v.string())),
  hidden: v.optional(v.boolean()),
});
export type PatchPersonRequest = v.InferInput<typeof PatchPersonBody>;

/** POST /api/people/:id/merge: this person's faces join `into`, which keeps its name (or takes this one's if it has none). */
export const MergeBody = v.object({ into: v.string() });
export type MergeRequest = v.InferInput<typeof MergeBody>;

/** POST /api/people: a new person of one face ("Who is this?" on a face nobody was found for). 201 PersonResponse. */
export const CreatePersonBody = v.object({ faceId: v.string(), name: v.string() });
export type CreatePersonRequest = v.InferInput<typeof CreatePersonBody>;

/** POST /api/faces/:faceId/person: move the face to a person (pinned), or null for "not this person". */
export const MoveFaceBody = v.object({ personId: v.nullable(v.string()) });
export type MoveFaceRequest = v.InferInput<typeof MoveFaceBody>;

export const FaceIdentitySchema = v.object({ id: v.string(), personId: v.nullable(v.string()), personName: v.nullable(v.string()) });
/** The fields people add to each face of `Photo.analysis.faces[]`. */
export type FaceIdentity = v.InferOutput<typeof FaceIdentitySchema>;

export type MoveFaceResponse = { face: FaceIdentity & { photoId: string } };

/** Payload of the `people.changed` feed event: refetch these people (and these photos' faces). */
export type PeopleChanged = {
  /** People created or changed (faces, name, hidden). */
  people: string[];
  /** People that disappeared (merged away, or left without faces). */
  removed: string[];
  /** Photos whose faces changed person. */
  photoIds: string[];
};
