// The API answers an invalid PUT /api/settings with 400 `invalid_request` and a message that names each
// failing field ("Invalid json: batchSize: Invalid value: …; variantSizes.0.name: must be …"). This
// splits it into messages per top-level field, so the page can show each one beside its input.

export interface FieldErrors {
  /** Top-level field → messages (a nested path keeps its rest: "0.name: must be …"). */
  fields: Record<string, string[]>;
  /** Whatever names no field. */
  other: string[];
}

export function fieldErrors(message: string, known: readonly string[]): FieldErrors {
  const out: FieldErrors = { fields: {}, other: [] };
  const body = message.replace(/^Invalid \w+:\s*/, '');
  for (const part of body.split('; ')) {
    const m = part.match(/^([A-Za-z_$][\w$]*)((?:\.[\w$]+)*): (.*)$/s);
    if (!m || !known.includes(m[1])) {
      out.other.push(part);
      continue;
    }
    const rest = m[2] ? `${m[2].slice(1)}: ${m[3]}` : m[3];
    (out.fields[m[1]] ??= []).push(rest);
  }
  return out;
}
