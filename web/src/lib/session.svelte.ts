// The library token, kept across reloads and verified against the API before it is stored. Signing in
// builds the app's services; signing out closes them.
import { Api, ApiError, errorMessage } from './api';
import { Services } from './services.svelte';

const KEY = 'darkroom.token';

export class Session {
  services = $state.raw<Services | null>(null);

  constructor() {
    const token = localStorage.getItem(KEY);
    if (token) this.open(token);
  }

  async signIn(token: string): Promise<string | null> {
    const trimmed = token.trim();
    if (!trimmed) return 'Enter your library token.';
    try {
      await new Api(trimmed).listPhotos(null, 1);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return 'That token is not valid for this darkroom.';
      return errorMessage(err, 'Could not check the token.');
    }
    localStorage.setItem(KEY, trimmed);
    this.open(trimmed);
    return null;
  }

  signOut() {
    localStorage.removeItem(KEY);
    this.services?.close();
    this.services = null;
  }

  private open(token: string) {
    this.services?.close();
    this.services = new Services(new Api(token));
  }
}
