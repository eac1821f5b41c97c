/**
 * The loopback ports of a local Temporal cluster, chosen once and kept beside its data (`ports.json`), so a
 * restart finds its database and its services where it left them.
 */
import fs from 'node:fs';
import { freePort, freePortForLateBind } from '../shard-cluster.js';

/** Temporal stores a membership port as a smallint: it must be below 32768, which freePortForLateBind gives. */
const freeMembershipPort = freePortForLateBind;

export interface ServicePorts {
  grpc: number;
  membership: number;
  metrics: number;
}

export interface ClusterPorts {
  db: number;
  frontendHttp: number;
  frontend: ServicePorts;
  matching: ServicePorts;
  worker: ServicePorts;
  history: ServicePorts[];
}

async function servicePorts(grpc?: number): Promise<ServicePorts> {
  return {
    grpc: grpc ?? (await freePort()),
    membership: await freeMembershipPort(),
    metrics: await freePort(),
  };
}

/** The saved ports, or new free ones; `frontendPort` (TEMPORAL_ADDRESS's) wins over a saved one. */
export async function clusterPorts(
  file: string,
  historyHosts: number,
  frontendPort?: number,
): Promise<ClusterPorts> {
  if (fs.existsSync(file)) {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as ClusterPorts;
    if (saved.history.length === historyHosts) {
      if (frontendPort !== undefined) saved.frontend.grpc = frontendPort;
      fs.writeFileSync(file, `${JSON.stringify(saved, null, 2)}\n`);
      return saved;
    }
  }
  const ports: ClusterPorts = {
    db: await freePort(),
    frontendHttp: await freePort(),
    frontend: await servicePorts(frontendPort),
    matching: await servicePorts(),
    worker: await servicePorts(),
    history: [],
  };
  for (let i = 0; i < historyHosts; i++) ports.history.push(await servicePorts());
  fs.writeFileSync(file, `${JSON.stringify(ports, null, 2)}\n`);
  return ports;
}
