/**
 * `npm run temporal:install-server`: builds (once) and prints the Temporal server, its SQL tool and the UI
 * server that `TEMPORAL=cluster` runs. `npm start` and the tests do the same on first use; CI calls this
 * up front so the build is not counted against a test's time.
 */
import { ensureTemporalServer } from './lib/temporal-cluster/server-binaries.js';

const binaries = ensureTemporalServer((message) => console.error(message));
console.log(JSON.stringify(binaries, null, 2));
