import type { NewLoadBalancer } from '../../harness/aws/elb-simulator/model.ts';

/**
 * CreateLoadBalancer as the Classic ELB state takes it: `name`, one TCP
 * listener (3306 → `instancePort`), in the simulated VPC's first zone.
 */
export const tcpBalancer = (name: string, instancePort = 3306): NewLoadBalancer => ({
  LoadBalancerName: name,
  Listeners: [
    {
      Protocol: 'TCP',
      LoadBalancerPort: 3306,
      InstanceProtocol: 'TCP',
      InstancePort: instancePort,
    },
  ],
  AvailabilityZones: ['local-a'],
  Subnets: [],
  SecurityGroups: [],
});
