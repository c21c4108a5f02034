// This tab's analysis client id (ClaimRequest.clientId). The server caps unexpired leases per client;
// without an id every tab of the library is one client, so a closed tab's leases would block the
// others until they expire. Kept in sessionStorage: a reload stays the same client (its old leases
// still count against it), while another tab or window gets its own.
const KEY = 'darkroom.analysisClient';

export function analysisClientId(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined = globalThis.sessionStorage): string {
  const stored = storage?.getItem(KEY);
  if (stored && /^[A-Za-z0-9_-]{1,64}$/.test(stored)) return stored;
  const id = crypto.randomUUID().replaceAll('-', '');
  storage?.setItem(KEY, id);
  return id;
}
