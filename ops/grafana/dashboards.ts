/** Every provisioned dashboard, by the file it is written to under ops/grafana/dashboards/. */
import { businessDashboard } from './business-dashboard.js';
import { buildDashboard, type DashboardSpec } from './dashboard-kit.js';
import { temporalSdkDashboard } from './temporal-sdk-dashboard.js';

export const DASHBOARD_DIR = 'ops/grafana/dashboards';

export const DASHBOARDS: Readonly<Record<string, DashboardSpec>> = {
  'business.json': businessDashboard,
  'temporal-sdk.json': temporalSdkDashboard,
};

/** Each dashboard file's name and the JSON text the generator writes for it. */
export function renderDashboards(): { file: string; json: Record<string, unknown> }[] {
  return Object.entries(DASHBOARDS).map(([file, spec]) => ({ file, json: buildDashboard(spec) }));
}
