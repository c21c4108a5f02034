// The faces of a photo as the API shows them: the analysis JSON of each face plus its stable id and person.
// A leaf module (no imports): db/photos.ts embeds it in the photo's SELECT and in event payloads.

/** SQL for `photo.analysis.faces`, given the photo_analysis row as `a`. Faces keep their analysis order. */
export const FACES_JSON = `(SELECT json_group_array(json_set(j.value, '$.id', f.id, '$.personId', f.person_id, '$.personName', pe.name))
    FROM json_each(a.faces) j LEFT JOIN faces f ON f.photo_id = a.photo_id AND f.idx = j.key LEFT JOIN people pe ON pe.id = f.person_id)`;
