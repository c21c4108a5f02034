// Person and face ids: a letter, then a time-sortable photo-style id. The letter keeps the two apart, so
// a face id sent where a person id belongs is refused as unknown instead of matching by accident.
import { newPhotoId } from '../ids';

export const newPersonId = () => `p${newPhotoId()}`;
export const newFaceId = () => `f${newPhotoId()}`;
export const isPersonId = (s: string) => /^p[0-9a-z]{21}$/.test(s);
export const isFaceId = (s: string) => /^f[0-9a-z]{21}$/.test(s);
