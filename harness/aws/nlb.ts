import {
  DescribeTargetGroupAttributesCommand,
  ModifyTargetGroupAttributesCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Endpoint } from '../net/endpoint.ts';
import type { RemoteBalancer, RestoreRecord } from './remote-balancer.ts';

const PROXY_V2 = 'proxy_protocol_v2.enabled';
const PRESERVE_CLIENT_IP = 'preserve_client_ip.enabled';

async function attributes(
  elbv2: ElasticLoadBalancingV2Client,
  targetGroupArn: string,
): Promise<Map<string, string>> {
  const out = await elbv2.send(
    new DescribeTargetGroupAttributesCommand({ TargetGroupArn: targetGroupArn }),
  );
  return new Map((out.Attributes ?? []).map((a) => [a.Key ?? '', a.Value ?? '']));
}

async function setProxyV2(
  elbv2: ElasticLoadBalancingV2Client,
  targetGroupArn: string,
  on: boolean,
): Promise<void> {
  await elbv2.send(
    new ModifyTargetGroupAttributesCommand({
      TargetGroupArn: targetGroupArn,
      Attributes: [{ Key: PROXY_V2, Value: String(on) }],
    }),
  );
}

/**
 * Turns PROXY v2 on or off for a target group and verifies it took, as
 * setClassicProxyProtocol does for a Classic ELB. The same calls go to AWS or
 * to the local simulator.
 */
export async function setNlbProxyProtocol(
  elbv2: ElasticLoadBalancingV2Client,
  targetGroupArn: string,
  on: boolean,
): Promise<void> {
  await setProxyV2(elbv2, targetGroupArn, on);
  const now = (await attributes(elbv2, targetGroupArn)).get(PROXY_V2);
  if (now !== String(on))
    throw new Error(`DescribeTargetGroupAttributes shows ${PROXY_V2}=${now}, expected ${on}`);
}

/** A bring-your-own NLB: the target group attribute proxy_protocol_v2.enabled. */
export function nlb(
  elbv2: ElasticLoadBalancingV2Client,
  target: { targetGroupArn: string; listener: Endpoint },
): RemoteBalancer {
  const { targetGroupArn } = target;
  return {
    label: `NLB target group ${targetGroupArn}`,
    async prepare() {
      const attrs = await attributes(elbv2, targetGroupArn);
      const current = attrs.get(PROXY_V2);
      if (current === undefined)
        throw new Error(
          `${targetGroupArn} has no ${PROXY_V2} attribute: is it an NLB's target group?`,
        );
      // With client IP preservation the header arrives from the client's own
      // address, so the backend's trusted PROXY networks must cover clients.
      const warnings: string[] = [];
      if (attrs.get(PRESERVE_CLIENT_IP) === 'true')
        warnings.push(
          `${PRESERVE_CLIENT_IP} is true: PROXY headers reach the backends from the clients' own addresses, so proxy_protocol_networks must include the clients, not only the NLB's subnet`,
        );
      // The previous value lives only in a run's restore record; if a record
      // was lost with its machine, "on" may be a leftover rather than a choice.
      if (current === 'true')
        warnings.push(
          `${PROXY_V2} was already true before this run and is left true; if no one set it on purpose, a run that could not restore it may have left it so`,
        );
      return {
        restore: { kind: 'nlb', targetGroupArn, proxyProtocolV2: current === 'true' },
        listener: target.listener,
        warnings,
      };
    },
    setProxyProtocol: (on) => setNlbProxyProtocol(elbv2, targetGroupArn, on),
  };
}

/** Puts the target group's proxy_protocol_v2.enabled back as it was. */
export function restoreNlb(
  elbv2: ElasticLoadBalancingV2Client,
  r: Extract<RestoreRecord, { kind: 'nlb' }>,
): Promise<void> {
  return setProxyV2(elbv2, r.targetGroupArn, r.proxyProtocolV2);
}
