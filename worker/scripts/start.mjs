// `npm start`: zero-setup local darkroom on http://localhost:8787.
// Creates .dev.vars with a random token and media key on first run, builds the web app, applies D1 migrations to the
// local database, then serves app + API with local R2, D1, Queues and Durable Objects (state in .wrangler/).
import { randomBytes } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readDevToken, readDevVar, root, run, wranglerEnv } from './lib.mjs';
import { spawn } from 'node:child_process';

const port = Number(process.env.PORT ?? 8787);
const devVars = path.join(root, '.dev.vars');
let token = readDevToken();
if (!token) {
  token = `drk_${randomBytes(24).toString('base64url')}`;
  writeFileSync(devVars, `# Local secrets for wrangler dev (never committed).\nAPI_TOKEN=${token}\n`, { mode: 0o600 });
  console.log('Created .dev.vars with a new API token for the default library.');
}
// Media links are signed with their own secret (per-library keys are derived from it), never the token.
if (!readDevVar('MEDIA_KEY')) {
  appendFileSync(devVars, `MEDIA_KEY=${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  console.log('Added a new MEDIA_KEY (signs media links) to .dev.vars.');
}

run('vite', ['build', '--logLevel', 'warn']);
run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local']);

const wrangler = spawn('wrangler', ['dev', '--port', String(port), '--ip', '127.0.0.1', '--test-scheduled'], {
  cwd: root, env: wranglerEnv, stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => wrangler.kill(signal));
wrangler.on('exit', (code) => process.exit(code ?? 0));

// Tell the newcomer how to get in once the server answers.
for (let i = 0; i < 240; i++) {
  try {
    await fetch(`http://127.0.0.1:${port}/`);
    // wrangler dev never fires cron triggers by itself; run the sweep every minute as production would.
    setInterval(() => {
      fetch(`http://127.0.0.1:${port}/__scheduled?cron=${encodeURIComponent('*/5 * * * *')}`).catch(() => {});
    }, 60_000).unref();
    console.log(`
  darkroom is running: http://localhost:${port}
  Library token (default library): ${token}

  Upload from the shell:
    curl -T photo.jpg -H "Authorization: Bearer ${token}" "http://localhost:${port}/api/photos?filename=photo.jpg"
`);
    break;
  } catch {
    await new Promise((r) => setTimeout(r, 250));
  }
}
