// `npm run token -- create <library> [--label text] [--remote]`
// `npm run token -- list [--remote]`
// `npm run token -- revoke <token> [--remote]`
// Tokens are random, shown once, and stored only as SHA-256 hashes in D1 (table api_tokens).
import { createHash, randomBytes } from 'node:crypto';
import { run } from './lib.mjs';

const [command, arg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flag = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1] ?? true;
};
const where = flag('remote') ? '--remote' : '--local';
const sql = (s) => s.replaceAll("'", "''");
const hash = (t) => createHash('sha256').update(t).digest('hex');

function execute(command) {
  if (where === '--local') run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local'], { stdio: 'ignore' });
  run('wrangler', ['d1', 'execute', 'DB', where, '--command', command]);
}

if (command === 'create') {
  if (!arg || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(arg)) {
    console.error('Usage: npm run token -- create <library>   (library: lowercase letters, digits and dashes)');
    process.exit(2);
  }
  const token = `drk_${randomBytes(24).toString('base64url')}`;
  const label = typeof flag('label') === 'string' ? `'${sql(flag('label'))}'` : 'NULL';
  execute(`INSERT INTO api_tokens (token_hash, library_id, label, created_at) VALUES ('${hash(token)}', '${arg}', ${label}, ${Date.now()})`);
  console.log(`\nToken for library "${arg}" (shown once; store it somewhere safe):\n\n  ${token}\n`);
} else if (command === 'list') {
  execute('SELECT library_id, label, substr(token_hash, 1, 12) AS hash_prefix, datetime(created_at / 1000, \'unixepoch\') AS created FROM api_tokens ORDER BY created_at');
} else if (command === 'revoke' && arg) {
  execute(`DELETE FROM api_tokens WHERE token_hash = '${hash(arg)}'`);
  console.log('Revoked (if it existed).');
} else {
  console.error('Usage: npm run token -- create <library> | list | revoke <token>   [--remote]');
  process.exit(2);
}
