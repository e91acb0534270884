// The AWS target: a bring-your-own Classic ELB or NLB, named by PROXYPROOF_*
// settings, in front of backends that are not proxyproof's. Nothing is
// started; the balancer's PROXY setting is recorded, changed, and put back.
// Nothing captures at the backends, so the wire view is unobservable here.
import { classicElb } from '../aws/classic-elb.ts';
import {
  awsClients,
  missingCredentials,
  restoreBalancer,
  type AwsClients,
  type AwsPlace,
} from '../aws/clients.ts';
import { nlb } from '../aws/nlb.ts';
import { clearPending, savePending } from '../aws/restore-journal.ts';
import { readAwsSettings, type AwsSettings } from '../aws/settings.ts';
import { BACKENDS, BALANCERS, kindOf } from '../components/kinds.ts';
import type { BackendKind, BalancerKind, Credentials, WhoAmI } from '../components/types.ts';
import { errorLine } from '../errors.ts';
import type { Observation } from '../evidence/types.ts';
import type { ProbeResult } from '../evidence/probe-result.ts';
import { runProbeRequest } from '../probes/probe.ts';
import type { Target } from './target.ts';

/** How the target reaches AWS; tests swap in the simulator's clients, or mocks. */
export interface AwsAccess {
  env: Record<string, string | undefined>;
  clients: (place: AwsPlace) => AwsClients;
}

const NO_CAPTURE =
  "the PROXY header itself: the backends are not proxyproof's, so nothing captures at them (the backend's view stands for it)";
const NO_BALANCER_ADDRESS =
  "that the backend's view is not the balancer's own address: AWS does not name an ELB's node addresses";
const NAT_PORT =
  "the origin's port: the origin address is PROXYPROOF_ORIGIN_ADDRESS, and NAT may rewrite ports on the way";

/** One probe as an Observation: origin and backend views; the wire is out of reach. */
function observeRemote(probe: ProbeResult, settings: AwsSettings): Observation {
  const origin =
    probe.origin && settings.originAddress
      ? { address: settings.originAddress, port: probe.origin.port }
      : probe.origin;
  return {
    client: probe.client,
    origin,
    balancer: { address: null, subnet: null, front: null },
    wire: null,
    wireError: null,
    captured: null,
    captureDropped: 0,
    backendTrust: null,
    backend: probe.backend
      ? { ...probe.backend.host, instance: probe.backend.instance, user: probe.backend.user }
      : null,
    error: probe.error,
    ...(probe.timing ? { timing: probe.timing } : {}),
    unobservable: {
      wire: NO_CAPTURE,
      balancer: NO_BALANCER_ADDRESS,
      ...(settings.originAddress ? { originPort: NAT_PORT } : {}),
    },
  };
}

/** On AWS the backends are yours: a MySQL-protocol question is asked as the account your settings name. */
const withCredentials = (who: WhoAmI, credentials: Credentials): WhoAmI =>
  who.protocol === 'mysql' ? { ...who, credentials } : who;

export function awsTarget(access: AwsAccess = { env: process.env, clients: awsClients }): Target {
  const settingsOf = (kind: BalancerKind) => readAwsSettings(kind.aws, access.env);
  return {
    name: 'aws',
    async skipReason(scenario) {
      const read = settingsOf(kindOf<BalancerKind>(BALANCERS, scenario.balancer.kind));
      if (!read.ok)
        return `needs AWS settings (README, "Against AWS"): ${[...read.missing, ...read.malformed].join('; ')}`;
      const clients = access.clients(read.settings);
      try {
        const missing = await missingCredentials(clients);
        return missing && `no AWS credentials from the SDK's default chain: ${missing}`;
      } finally {
        clients.destroy();
      }
    },
    async start(scenario, ctx, teardown, steps) {
      const kind = kindOf<BalancerKind>(BALANCERS, scenario.balancer.kind);
      const read = settingsOf(kind);
      if (!read.ok) throw new Error(`AWS settings went away: ${read.missing.join('; ')}`);
      const settings = read.settings;
      const clients = access.clients(settings);
      teardown.defer('close the AWS clients', async () => clients.destroy());
      const remote =
        settings.kind === 'classic-elb'
          ? classicElb(clients.elb, settings, ctx.runId)
          : nlb(clients.elbv2, settings);
      const prepared = await steps.run(`reading ${remote.label}`, () => remote.prepare());
      // On disk before the change: a harder kill leaves it for `aws sweep`.
      const journal = await savePending(ctx.reportsDir, {
        runId: ctx.runId,
        scenario: scenario.id,
        region: settings.region,
        endpoint: settings.endpoint,
        savedAt: new Date().toISOString(),
        record: prepared.restore,
      });
      // Not a step: it must run after Ctrl-C too; a failure is a finding, not a footnote.
      teardown.defer(
        `restore ${remote.label}`,
        async () => {
          try {
            await restoreBalancer(clients, prepared.restore);
          } catch (e) {
            throw new Error(
              `could not restore the balancer (${errorLine(e)}); the record stays in ${journal}: run npx proxyproof aws sweep --records-only --older-than 0`,
            );
          }
          // Restored; a record left behind would only be replayed once more, harmlessly.
          await clearPending(journal).catch((e: unknown) =>
            ctx.warn(
              scenario.id,
              `restored, but could not remove the record ${journal}: ${errorLine(e)}`,
            ),
          );
        },
        { critical: true },
      );
      const backendKind = kindOf<BackendKind>(BACKENDS, scenario.backends.kind);
      return {
        warnings: prepared.warnings,
        backends: {
          instances: [],
          whoAmI: withCredentials(backendKind.whoAmI(scenario.backends), settings.mysql),
          maxConnectErrors: null,
          info: { kind: backendKind.kind, detail: 'yours, on AWS (not started by proxyproof)' },
        },
        balancer: {
          listener: prepared.listener,
          instancePort: kind.ports(scenario.balancer).instance,
          vpcAddress: null,
          vpcSubnet: null,
          setProxyProtocol: (on) => remote.setProxyProtocol(on),
          loggedOrigins: null,
          healthChecks: null,
          warmUpMs: 0,
          artifacts: () => ({}),
          standIn: null,
          info: { kind: kind.kind, detail: remote.label },
        },
        fronts: [],
        local: null,
        // The runner is the client on AWS: its address is the origin the balancer sees.
        probe: async (request) => {
          const results: ProbeResult[] = [];
          await runProbeRequest(request, (r) => results.push(r), ctx.signal);
          return results;
        },
        collect: async () => ({ captures: [], files: [] }),
        observe: (probe) => observeRemote(probe, settings),
      };
    },
  };
}
