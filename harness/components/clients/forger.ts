import { z } from 'zod';
import { sameAddress } from '../../net/endpoint.ts';
import type { ProbeResult } from '../../evidence/probe-result.ts';
import type { ClientKind } from '../types.ts';

const options = z
  .object({
    kind: z.literal('forger'),
    /** Connections it makes. */
    count: z.number().int().min(1).max(50),
    /** The address its forged PROXY v1 headers claim (use TEST-NET ranges: it is only ever text). */
    claim: z.ipv4(),
    /** Then tries once more against a backend trusting the whole vpc subnet, and warns if that works. */
    alsoAgainstSubnetTrust: z.boolean().optional(),
  })
  .strict();

/**
 * Another host on the vpc network (a client container there) that skips the
 * balancer: it dials backend-1 directly and opens with a PROXY v1 header
 * claiming someone else. Each result carries its claim, so checks can tell a
 * forged origin the backend took from an honest one.
 */
export const forger: ClientKind<typeof options> = {
  kind: 'forger',
  options,
  localOnly: true,
  // It may widen a backend's trust, which other scenarios on the topology would see.
  exclusive: true,
  count: (o) => o.count,
  info: (o) => ({ kind: 'forger', count: o.count, detail: `claims ${o.claim}` }),
  async run(ctx, o) {
    const victim = ctx.backends[0];
    if (!victim) throw new Error('a forger needs a backend to dial');
    const target = { address: victim.address, port: ctx.balancer.instancePort };
    // Another host on the vpc network: where the balancer is, but not the balancer.
    const forge = async (count: number) =>
      (
        await ctx.probe({
          from: 'vpc',
          target,
          whoAmI: ctx.whoAmI,
          count,
          prefix: { kind: 'proxy-v1-claim', claim: o.claim, destination: target },
        })
      ).map((p: ProbeResult) => ({
        ...p,
        claimed: { address: o.claim, port: p.origin?.port ?? 0 },
      }));
    const probes = await forge(o.count);
    const warnings: string[] = [];
    if (o.alsoAgainstSubnetTrust) {
      if (!victim.setTrust)
        throw new Error(`${victim.name} cannot change whom it trusts while running`);
      const subnet = ctx.stage?.vpc.subnet;
      if (!subnet) throw new Error('a forgery against subnet trust needs the local vpc network');
      await victim.setTrust(subnet);
      const [r] = await forge(1);
      warnings.push(
        r?.backend && sameAddress(r.backend.host.address, o.claim)
          ? `with the whole subnet ${subnet} trusted, ${victim.name} accepted a header forged by ${r.origin?.address} and reported ${o.claim} as the client: every host in a trusted range can forge its origin; trust only the balancers' own addresses, or a subnet that holds nothing but balancers`
          : `even trusting the whole subnet ${subnet}, ${victim.name} did not take the forged ${o.claim}: ${r?.error ?? JSON.stringify(r?.backend)}`,
      );
    }
    return { probes, warnings };
  },
};
