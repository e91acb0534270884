// How the HAProxy standing in sees each backend, as both ELB API simulators
// report it (a Classic instance state, an ELBv2 target health).
import type { BackendHealth } from '../../aws/elb-simulator/backend-health.ts';
import type { BackendState, Haproxy } from './stand-in.ts';

/**
 * A backend's health from what is cheap and sure: a container that is not
 * running is stopped, whatever HAProxy last saw; otherwise HAProxy's own
 * server status, which is what decides where connections go (its runtime
 * API, one exec, no extra traffic to the backends). Without checks HAProxy
 * says "no check" and sends to it: serving. No server for it yet (the reload
 * that adds it has not happened) is unchecked; a status it cannot give, unknown.
 */
function backendHealth(backend: BackendState | undefined): BackendHealth {
  if (!backend?.running) return 'stopped';
  const status = backend.haproxy;
  if (status === null) return 'unchecked';
  if (/^(UP|no check)\b/.test(status)) return 'serving'; // "UP 1/2" is still up, going down
  if (status === 'DOWN') return 'failing-checks';
  if (status.startsWith('DOWN ')) return 'not-yet-healthy'; // "DOWN 1/2": coming up
  return 'unknown';
}

/** How the topology's HAProxy sees each of these backends (by name), in their order. */
export async function backendsHealth(
  topology: Pick<Haproxy, 'backendStates'>,
  names: string[],
): Promise<BackendHealth[]> {
  const seen = await topology.backendStates();
  return names.map((name) => backendHealth(seen.find((b) => b.name === name)));
}
