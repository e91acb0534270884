// The sample policies AWS describes to anyone (DescribeLoadBalancerPolicies
// without a load balancer): its predefined SSL negotiation policies. Data
// only; classic-policies.ts describes them.
//
// Sources (docs/FIDELITY.md): the Classic Load Balancers Guide's
// ssl-config-update (the list and its order) and elb-security-policy-table
// (the six policies whose protocols and ciphers it tables); jclouds'
// describe_policies.xml, a recorded 2012 answer, for what the two ELBSample
// policies showed then. The 2014-10, 2014-01 and 2011-08 policies' settings
// are not established: they are described with no attributes.

import { SERVER_ORDER, type PolicyAttribute } from './classic-policy-types.ts';

export type SamplePolicy = {
  PolicyName: string;
  /** Other names AWS answers to with the same policy ("X or Y" in the guide); not listed. */
  alsoNamed?: readonly string[];
} & (
  | {
      /** Documented completely: these switches on, every other one off. */ enables: readonly string[];
    }
  | {
      /** Only what a recorded answer showed, as it showed it. */ recorded: readonly PolicyAttribute[];
    }
);

const TLS_1_2 = ['Protocol-TLSv1.2'];
const TLS_1_1 = ['Protocol-TLSv1.1', ...TLS_1_2];
const TLS_1 = ['Protocol-TLSv1', ...TLS_1_1];

/** The ciphers every policy in the table enables (TLS-1-2-2017-01 has these alone). */
const GCM_AND_SHA2 = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES128-SHA256',
  'ECDHE-RSA-AES128-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-AES256-SHA384',
  'ECDHE-RSA-AES256-SHA384',
  'AES128-GCM-SHA256',
  'AES128-SHA256',
  'AES256-GCM-SHA384',
  'AES256-SHA256',
];

/** The SHA-1 ciphers every policy in the table but TLS-1-2-2017-01 adds. */
const SHA1 = [
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-RSA-AES256-SHA',
  'ECDHE-ECDSA-AES256-SHA',
  'AES128-SHA',
  'AES256-SHA',
];

/** The DHE ciphers only 2015-03 and 2015-02 enable. */
const DHE = ['DHE-RSA-AES128-SHA', 'DHE-DSS-AES128-SHA'];

/** In the order AWS lists them (ssl-config-update's example output). */
export const SAMPLE_POLICIES: readonly SamplePolicy[] = [
  {
    PolicyName: 'ELBSecurityPolicy-2016-08',
    enables: [...TLS_1, SERVER_ORDER, ...GCM_AND_SHA2, ...SHA1],
  },
  {
    PolicyName: 'ELBSecurityPolicy-TLS-1-2-2017-01',
    enables: [...TLS_1_2, SERVER_ORDER, ...GCM_AND_SHA2],
  },
  {
    PolicyName: 'ELBSecurityPolicy-TLS-1-1-2017-01',
    enables: [...TLS_1_1, SERVER_ORDER, ...GCM_AND_SHA2, ...SHA1],
  },
  {
    PolicyName: 'ELBSecurityPolicy-2015-05',
    enables: [...TLS_1, SERVER_ORDER, ...GCM_AND_SHA2, ...SHA1, 'DES-CBC3-SHA'],
  },
  {
    PolicyName: 'ELBSecurityPolicy-2015-03',
    enables: [...TLS_1, SERVER_ORDER, ...GCM_AND_SHA2, ...SHA1, ...DHE, 'DES-CBC3-SHA'],
  },
  {
    PolicyName: 'ELBSecurityPolicy-2015-02',
    enables: [...TLS_1, SERVER_ORDER, ...GCM_AND_SHA2, ...SHA1, ...DHE],
  },
  { PolicyName: 'ELBSecurityPolicy-2014-10', recorded: [] },
  { PolicyName: 'ELBSecurityPolicy-2014-01', recorded: [] },
  { PolicyName: 'ELBSecurityPolicy-2011-08', recorded: [] },
  {
    PolicyName: 'ELBSample-ELBDefaultCipherPolicy',
    alsoNamed: ['ELBSample-ELBDefaultNegotiationPolicy'],
    recorded: [
      { AttributeName: 'Protocol-SSLv2', AttributeValue: 'false' },
      { AttributeName: 'EDH-DSS-DES-CBC3-SHA', AttributeValue: 'false' },
    ],
  },
  {
    PolicyName: 'ELBSample-OpenSSLDefaultCipherPolicy',
    alsoNamed: ['ELBSample-OpenSSLDefaultNegotiationPolicy'],
    recorded: [
      { AttributeName: 'Protocol-SSLv2', AttributeValue: 'false' },
      { AttributeName: 'ADH-AES256-SHA', AttributeValue: 'false' },
      { AttributeName: 'DHE-RSA-AES256-SHA', AttributeValue: 'true' },
    ],
  },
];
