// Where a new Classic load balancer goes in the simulated account's VPC, from
// CreateLoadBalancer's AvailabilityZones or Subnets, SecurityGroups and
// Scheme, with the errors AWS answers for each. Pure.
import { AwsError } from './aws-error.ts';
import { ACCOUNT_ID, DEFAULT_ELB_SECURITY_GROUP, SUBNETS, VPC_ID } from './simulated-vpc.ts';

export type Scheme = 'internet-facing' | 'internal';

/** What DescribeLoadBalancers shows of a VPC balancer's place. */
export interface Placement {
  AvailabilityZones: string[];
  Subnets: string[];
  VPCId: string;
  SecurityGroups: string[];
  SourceSecurityGroup: { OwnerAlias: string; GroupName: string };
  Scheme: Scheme;
}

export interface PlacementRequest {
  AvailabilityZones: string[];
  Subnets: string[];
  SecurityGroups: string[];
  Scheme?: string | undefined;
}

/** A security group id as EC2 makes them: sg- and 8 or 17 hex digits. */
const SECURITY_GROUP_ID = /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/;

/** The subnets a request names; AWS's error for one not in the VPC (its VPC has one subnet per zone). */
function subnetsNamed(ids: string[]): (typeof SUBNETS)[number][] {
  return [...new Set(ids)].map((id) => {
    const subnet = SUBNETS.find((s) => s.SubnetId === id);
    if (!subnet)
      throw new AwsError('SubnetNotFound', 'One or more of the specified subnets do not exist.');
    return subnet;
  });
}

/** The default subnet of each zone a request names; AWS's words for a zone it has none in. */
function zonesNamed(names: string[]): (typeof SUBNETS)[number][] {
  return [...new Set(names)].map((name) => {
    const subnet = SUBNETS.find((s) => s.ZoneName === name);
    if (!subnet)
      throw new AwsError(
        'InvalidConfigurationRequest',
        `Classic Load Balancers do not support Availability Zone '${name}'.`,
      );
    return subnet;
  });
}

/**
 * A VPC balancer's place: Availability Zones (each zone's default subnet, in
 * the default VPC) or subnets, never both nor neither; the named security
 * groups, or the one ELB provides in the default VPC; internet-facing unless
 * internal is asked for.
 */
export function placement(request: PlacementRequest): Placement {
  const { AvailabilityZones: zones, Subnets: subnetIds } = request;
  if (zones.length === 0 && subnetIds.length === 0)
    throw new AwsError(
      'ValidationError',
      'Either AvailabilityZones or SubnetIds must be specified',
    );
  if (zones.length > 0 && subnetIds.length > 0)
    throw new AwsError(
      'ValidationError',
      'Only one of SubnetIds or AvailabilityZones may be specified',
    );
  const subnets = zones.length > 0 ? zonesNamed(zones) : subnetsNamed(subnetIds);
  const scheme = request.Scheme ?? 'internet-facing';
  if (scheme !== 'internet-facing' && scheme !== 'internal')
    throw new AwsError(
      'InvalidScheme',
      `Scheme '${scheme}' is not valid: it is internet-facing or internal`,
    );
  if (request.SecurityGroups.some((id) => !SECURITY_GROUP_ID.test(id)))
    throw new AwsError(
      'InvalidSecurityGroup',
      'One or more of the specified security groups do not exist.',
    );
  const groups =
    request.SecurityGroups.length > 0
      ? request.SecurityGroups
      : [DEFAULT_ELB_SECURITY_GROUP.GroupId];
  return {
    AvailabilityZones: subnets.map((s) => s.ZoneName),
    Subnets: subnets.map((s) => s.SubnetId),
    VPCId: VPC_ID,
    SecurityGroups: groups,
    // The simulator knows no names of the account's own groups: such a group goes by its id.
    SourceSecurityGroup: {
      OwnerAlias: ACCOUNT_ID,
      GroupName:
        groups[0] === DEFAULT_ELB_SECURITY_GROUP.GroupId
          ? DEFAULT_ELB_SECURITY_GROUP.GroupName
          : groups[0]!,
    },
    Scheme: scheme,
  };
}
