/** The committed dashboard JSON is what ops/grafana/write-dashboards.ts generates, and Grafana can load it. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { DASHBOARD_DIR, renderDashboards } from '../../ops/grafana/dashboards.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const committed = (file: string): unknown =>
  JSON.parse(readFileSync(path.join(ROOT, DASHBOARD_DIR, file), 'utf8'));

describe('ops/grafana dashboards', () => {
  const rendered = renderDashboards();

  it('the committed JSON equals the generator output (run `npx tsx ops/grafana/write-dashboards.ts`)', () => {
    for (const { file, json } of rendered) assert.deepEqual(committed(file), json, file);
    const onDisk = readdirSync(path.join(ROOT, DASHBOARD_DIR)).filter((f) => f.endsWith('.json'));
    assert.deepEqual(onDisk.sort(), rendered.map((r) => r.file).sort());
  });

  it('a generator change shows up as a difference', () => {
    const first = rendered[0];
    assert.ok(first);
    const changed = structuredClone(first.json) as { panels: { title: string }[] };
    changed.panels[1]!.title = 'renamed';
    assert.notDeepEqual(committed(first.file), changed);
  });

  it('dashboards have unique uids, unique panel ids, and query the provisioned data source', () => {
    const datasources = parse(
      readFileSync(path.join(ROOT, 'ops/grafana/provisioning/datasources/prometheus.yml'), 'utf8'),
    ) as { datasources: { uid: string; url: string }[] };
    const uid = datasources.datasources[0]?.uid;
    assert.equal(uid, 'prometheus');
    const uids = new Set<string>();
    for (const { file, json } of rendered) {
      const dash = json as {
        uid: string;
        panels: { id: number; type: string; targets?: { datasource: { uid: string } }[] }[];
      };
      assert.ok(!uids.has(dash.uid), `${file}: uid ${dash.uid} repeated`);
      uids.add(dash.uid);
      const ids = dash.panels.map((p) => p.id);
      assert.equal(new Set(ids).size, ids.length, `${file}: panel ids repeat`);
      for (const p of dash.panels.filter((p) => p.type !== 'row')) {
        assert.ok((p.targets ?? []).length > 0, `${file}: panel ${p.id} has no query`);
        for (const t of p.targets ?? []) assert.equal(t.datasource.uid, uid);
      }
    }
  });

  it('the dashboard provider reads the directory compose mounts the dashboards at', () => {
    const provider = parse(
      readFileSync(path.join(ROOT, 'ops/grafana/provisioning/dashboards/dashboards.yml'), 'utf8'),
    ) as { providers: { options: { path: string } }[] };
    const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { volumes?: string[] }>;
    };
    const mounts = compose.services['grafana']?.volumes ?? [];
    const dashboardsMount = mounts.find((v) => v.startsWith(`./${DASHBOARD_DIR}:`));
    assert.ok(dashboardsMount, `grafana mounts ./${DASHBOARD_DIR}`);
    assert.equal(dashboardsMount.split(':')[1], provider.providers[0]?.options.path);
    assert.ok(mounts.some((v) => v.startsWith('./ops/grafana/provisioning:/etc/grafana/provisioning')));
    assert.ok(existsSync(path.join(ROOT, 'ops/grafana/provisioning/datasources/prometheus.yml')));
  });
});
