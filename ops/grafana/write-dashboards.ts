/**
 * `npx tsx ops/grafana/write-dashboards.ts`: writes ops/grafana/dashboards/*.json from the TypeScript
 * specs (then `npm run format`). test/ops/dashboards.test.ts checks the committed files match.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARD_DIR, renderDashboards } from './dashboards.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
for (const { file, json } of renderDashboards()) {
  const target = path.join(root, DASHBOARD_DIR, file);
  writeFileSync(target, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`wrote ${path.relative(root, target)}`);
}
