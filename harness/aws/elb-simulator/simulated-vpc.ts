// The network the simulated account has: one VPC (its default one) with a
// subnet in each of three Availability Zones, and the security group Elastic
// Load Balancing provides there. Both APIs place their balancers in it, and
// name them in the simulator's own DNS zone. Data.

/** The account every simulated ARN and security group names (AWS's documentation account). */
export const ACCOUNT_ID = '123456789012';

export const VPC_ID = 'vpc-local';

/** The VPC's subnets, one per zone, in the zones' order. */
export const SUBNETS = [
  { SubnetId: 'subnet-local-a', ZoneName: 'local-a' },
  { SubnetId: 'subnet-local-b', ZoneName: 'local-b' },
  { SubnetId: 'subnet-local-c', ZoneName: 'local-c' },
] as const;

/**
 * The security group a Classic balancer in the default VPC gets when the
 * request names none: Elastic Load Balancing makes one per account, named
 * default_elb_<id> (the Classic Load Balancers Guide, elb-security-groups).
 */
export const DEFAULT_ELB_SECURITY_GROUP = {
  GroupId: 'sg-0e1b0c1a55100ca1f',
  GroupName: 'default_elb_5e1f0c4a-7d3b-3c2e-9a61-70726f787970',
};

/** The Route 53 zone of the simulator's DNS names: its own zone, not one of AWS's. */
export const HOSTED_ZONE_ID = 'Z0PROXYPROOFLOCAL';
