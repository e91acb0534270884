// AWS's own answers, as its documentation prints them, for tests to expect.

/**
 * The predefined SSL negotiation policies DescribeLoadBalancerPolicies lists
 * without a load balancer, in order: the Classic Load Balancers Guide's
 * example output (ssl-config-update).
 */
export const PREDEFINED_POLICIES = [
  'ELBSecurityPolicy-2016-08',
  'ELBSecurityPolicy-TLS-1-2-2017-01',
  'ELBSecurityPolicy-TLS-1-1-2017-01',
  'ELBSecurityPolicy-2015-05',
  'ELBSecurityPolicy-2015-03',
  'ELBSecurityPolicy-2015-02',
  'ELBSecurityPolicy-2014-10',
  'ELBSecurityPolicy-2014-01',
  'ELBSecurityPolicy-2011-08',
  'ELBSample-ELBDefaultCipherPolicy',
  'ELBSample-OpenSSLDefaultCipherPolicy',
];
