/** The README's configuration table and commands match the code. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ENV_VARS, LOCAL_ENV_VARS } from '../../config/env.js';

const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const ciScript = fs.readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');

function tableRow(name: string): string | undefined {
  return readme.split('\n').find((line) => new RegExp(`^\\|\\s*\`${name}\`\\s*\\|`).test(line));
}

describe('README', () => {
  it('lists every environment variable the code reads, with its default', () => {
    const problems: string[] = [];
    for (const spec of [...ENV_VARS, ...LOCAL_ENV_VARS]) {
      const row = tableRow(spec.name);
      if (!row) {
        problems.push(`${spec.name}: missing from the configuration table`);
        continue;
      }
      const defaultCell = row.split('|')[2]!.trim();
      if (spec.default !== undefined && defaultCell !== `\`${spec.default}\``) {
        problems.push(`${spec.name}: README default ${defaultCell}, code default ${spec.default}`);
      }
      const readByCell = row.split('|')[3]!.trim();
      if ('usedBy' in spec && readByCell !== spec.usedBy.join(', ')) {
        problems.push(
          `${spec.name}: README says read by ${readByCell}, the code by ${spec.usedBy.join(', ')}`,
        );
      }
    }
    assert.deepEqual(problems, []);
  });

  it('names only variables that exist', () => {
    const known = new Set<string>([...ENV_VARS, ...LOCAL_ENV_VARS].map((v) => v.name));
    for (const testOnly of ['TEMPORAL_TEST_SERVER', 'TEST_TEMPORAL']) known.add(testOnly);
    const documented = [...readme.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1]!);
    assert.ok(documented.length >= known.size, `found only ${documented.length} rows`);
    assert.deepEqual(
      documented.filter((name) => !known.has(name)),
      [],
    );
  });

  it('gives the two commands, and CI runs the README test command', () => {
    assert.match(readme, /npm start/);
    assert.match(readme, /npm test/);
    assert.match(ciScript, /^npm test$/m);
  });
});
