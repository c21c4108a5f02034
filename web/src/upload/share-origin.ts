// Web Share Target requests arrive as a POST of a form to /share, which any web page could also send.
// Shared files are only ever queued for confirmation (StoredEntry.shared), and a POST that says it
// comes from another site is refused outright. The OS share sheet sends neither a referrer nor a
// foreign Origin, so it is let through to the confirmation step.

/** Why a /share POST is refused, or null when it may be queued (awaiting the user's confirmation). */
export function shareRefusal(request: Request, appOrigin: string): string | null {
  const site = request.headers.get('Sec-Fetch-Site');
  if (site && site !== 'same-origin' && site !== 'none') return `sent from another site (${site})`;
  const origin = request.headers.get('Origin');
  if (origin && origin !== appOrigin) return `sent from another origin (${origin})`;
  if (request.referrer && request.referrer !== 'about:client' && new URL(request.referrer).origin !== appOrigin) {
    return `sent from another page (${new URL(request.referrer).origin})`;
  }
  return null;
}
