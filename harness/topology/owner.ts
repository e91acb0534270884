// Who owns a run's containers and networks: the host and process that made
// them, so that `clean` removes only runs whose owner is gone and never one
// that is still going (on a shared engine, another CI job's).
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export const OWNER_LABELS = {
  host: 'proxyproof.owner.host',
  pid: 'proxyproof.owner.pid',
  /** Linux: the boot id and the process's start time in clock ticks, which survive pid reuse. */
  process: 'proxyproof.owner.process',
  startedAt: 'proxyproof.owner.started-at',
} as const;

export interface Owner {
  host: string;
  pid: number;
  /** "<boot id>/<start ticks>" on Linux; null where /proc cannot tell. */
  process: string | null;
  startedAt: string;
}

/** A process's identity beyond its pid, from /proc: null off Linux or when it is gone. */
function processIdentity(pid: number): string | null {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime); the command name (field 2) may hold spaces and parentheses.
    const ticks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return ticks ? `${boot}/${ticks}` : null;
  } catch {
    return null;
  }
}

let me: Owner | undefined;

/** This process, as its runs' labels name it. */
export function currentOwner(): Owner {
  me ??= {
    host: hostname(),
    pid: process.pid,
    process: processIdentity(process.pid),
    startedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
  };
  return me;
}

export function ownerLabels(owner: Owner = currentOwner()): Record<string, string> {
  return {
    [OWNER_LABELS.host]: owner.host,
    [OWNER_LABELS.pid]: String(owner.pid),
    [OWNER_LABELS.startedAt]: owner.startedAt,
    ...(owner.process ? { [OWNER_LABELS.process]: owner.process } : {}),
  };
}

/** The owner a resource's labels name; null for resources made before owners were labelled. */
export function ownerFromLabels(labels: Record<string, string> | undefined): Owner | null {
  const host = labels?.[OWNER_LABELS.host];
  const pid = Number(labels?.[OWNER_LABELS.pid]);
  const startedAt = labels?.[OWNER_LABELS.startedAt];
  if (!host || !Number.isInteger(pid) || !startedAt) return null;
  return { host, pid, process: labels[OWNER_LABELS.process] ?? null, startedAt };
}

/** alive or gone when this host can tell; unknown for another host's process (or an unlabelled run). */
export type Liveness = 'alive' | 'gone' | 'unknown';

export function liveness(owner: Owner | null, here: Owner = currentOwner()): Liveness {
  if (!owner || owner.host !== here.host) return 'unknown';
  if (owner.pid === here.pid) return 'alive';
  // Same pid, same boot and same start time: the very process. A reused pid differs in start time.
  if (owner.process && here.process)
    return processIdentity(owner.pid) === owner.process ? 'alive' : 'gone';
  try {
    process.kill(owner.pid, 0);
    return 'alive';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? 'alive' : 'gone';
  }
}
