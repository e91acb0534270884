import {
  DeleteLoadBalancerPolicyCommand,
  DescribeLoadBalancersCommand,
  SetLoadBalancerPoliciesForBackendServerCommand,
  type LoadBalancerDescription,
} from '@aws-sdk/client-elastic-load-balancing';
import { runPolicyTime } from './classic-elb.ts';
import { restoreBalancer, type AwsClients, type AwsPlace } from './clients.ts';
import { clearPending, listPending } from './restore-journal.ts';

export interface SweepResult {
  /** Restore records replayed: "<run-id>-<scenario>". */
  restored: string[];
  /** Run policies removed: "<load balancer>/<policy>". */
  deleted: string[];
  problems: string[];
  /** Restore records found, old enough or not. */
  records: number;
}

async function allLoadBalancers(clients: AwsClients): Promise<LoadBalancerDescription[]> {
  const out: LoadBalancerDescription[] = [];
  let marker: string | undefined;
  do {
    const page = await clients.elb.send(new DescribeLoadBalancersCommand({ Marker: marker }));
    out.push(...(page.LoadBalancerDescriptions ?? []));
    marker = page.NextMarker;
  } while (marker);
  return out;
}

/** Takes run policies off every instance port that still has them, then deletes them. */
async function removeRunPolicies(
  clients: AwsClients,
  lb: LoadBalancerDescription,
  policies: string[],
): Promise<void> {
  const name = lb.LoadBalancerName!;
  for (const backend of lb.BackendServerDescriptions ?? []) {
    const kept = (backend.PolicyNames ?? []).filter((p) => !policies.includes(p));
    if (kept.length === (backend.PolicyNames ?? []).length) continue;
    await clients.elb.send(
      new SetLoadBalancerPoliciesForBackendServerCommand({
        LoadBalancerName: name,
        InstancePort: backend.InstancePort,
        PolicyNames: kept,
      }),
    );
  }
  for (const policy of policies) {
    await clients.elb.send(
      new DeleteLoadBalancerPolicyCommand({ LoadBalancerName: name, PolicyName: policy }),
    );
  }
}

/**
 * Puts back what killed runs left changed and removes what they created, if
 * older than `olderThanMs` (younger ones may belong to a run still going):
 * first the restore records on disk, exactly; then, on every Classic ELB in
 * `place`, policies named for a run (the previous policy list of a port is
 * known only from a record, so without one the run's policy is just removed).
 */
export async function sweepAws(opts: {
  reportsDir: string;
  olderThanMs: number;
  now?: Date;
  /** Where to look for leftover policies; absent: restore records only. */
  place: AwsPlace | null;
  clients: (place: AwsPlace) => AwsClients;
}): Promise<SweepResult> {
  const now = (opts.now ?? new Date()).getTime();
  const old = (at: Date) => now - at.getTime() >= opts.olderThanMs;
  const pendings = await listPending(opts.reportsDir);
  const result: SweepResult = { restored: [], deleted: [], problems: [], records: pendings.length };
  for (const { file, pending } of pendings) {
    if (!old(new Date(pending.savedAt))) continue;
    const clients = opts.clients(pending);
    const what = `${pending.runId}-${pending.scenario}`;
    try {
      await restoreBalancer(clients, pending.record);
      await clearPending(file);
      result.restored.push(what);
    } catch (e) {
      result.problems.push(`${what}: ${(e as Error).name}: ${(e as Error).message}`);
    } finally {
      clients.destroy();
    }
  }
  if (!opts.place) return result;
  const clients = opts.clients(opts.place);
  try {
    for (const lb of await allLoadBalancers(clients)) {
      const stale = (lb.Policies?.OtherPolicies ?? []).filter((p) => {
        const at = runPolicyTime(p);
        return at !== null && old(at);
      });
      if (stale.length === 0) continue;
      try {
        await removeRunPolicies(clients, lb, stale);
        result.deleted.push(...stale.map((p) => `${lb.LoadBalancerName}/${p}`));
      } catch (e) {
        result.problems.push(
          `${lb.LoadBalancerName}: ${(e as Error).name}: ${(e as Error).message}`,
        );
      }
    }
  } finally {
    clients.destroy();
  }
  return result;
}
