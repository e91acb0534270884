/** Whose PROXY headers a backend accepts, as a scenario says it. */
export const TRUST_POLICIES = [
  'vpc-subnet',
  'balancer-address',
  'another-network',
  'nothing',
] as const;
export type TrustPolicy = (typeof TRUST_POLICIES)[number];

/** TEST-NET-1 (RFC 5737): a network that is never the balancer's; only ever a config value. */
const ANOTHER_NETWORK = '192.0.2.0/24';

/** The networks a trust policy names, for this stage's subnet and balancer address. */
export function trustedNetworks(
  trust: TrustPolicy,
  vpcSubnet: string,
  balancerVpcAddress: string,
): string {
  switch (trust) {
    case 'vpc-subnet':
      return vpcSubnet;
    case 'balancer-address':
      return `${balancerVpcAddress}/32`;
    case 'another-network':
      return ANOTHER_NETWORK;
    case 'nothing':
      return '';
  }
}
