// The Classic ELB policy types, as DescribeLoadBalancerPolicyTypes describes
// them, and where a policy of each type may be set. Data only.
//
// Sources (docs/FIDELITY.md): the aws CLI's own example output
// (awscli/examples/elb/describe-load-balancer-policy-types.rst) for every type
// but SSLNegotiationPolicyType's attributes, which it elides; for those, the
// protocols and ciphers of AWS's predefined security policies (the Classic
// Load Balancers Guide, elb-security-policy-table) and of a recorded 2012
// answer (jclouds' describe_policy_types.xml: Protocol-SSLv2 defaults to
// false, Protocol-TLSv1 to true). AWS lists more ciphers than these.

export type AttributeType = 'Boolean' | 'String' | 'Long' | 'PolicyName';
export type Cardinality = 'ONE' | 'ZERO_OR_ONE' | 'ZERO_OR_MORE' | 'ONE_OR_MORE';

export interface PolicyAttributeTypeDescription {
  AttributeName: string;
  AttributeType: AttributeType;
  Description?: string;
  DefaultValue?: string;
  Cardinality: Cardinality;
}

/** A policy's attribute, as CreateLoadBalancerPolicy takes it and DescribeLoadBalancerPolicies shows it. */
export interface PolicyAttribute {
  AttributeName: string;
  AttributeValue: string;
}

export interface Policy {
  PolicyName: string;
  PolicyTypeName: string;
  PolicyAttributeDescriptions: PolicyAttribute[];
}

export interface PolicyTypeDescription {
  PolicyTypeName: PolicyTypeName;
  Description: string;
  PolicyAttributeTypeDescriptions: PolicyAttributeTypeDescription[];
}

export type PolicyTypeName =
  | 'ProxyProtocolPolicyType'
  | 'PublicKeyPolicyType'
  | 'AppCookieStickinessPolicyType'
  | 'LBCookieStickinessPolicyType'
  | 'SSLNegotiationPolicyType'
  | 'BackendServerAuthenticationPolicyType';

/** An SSLNegotiationPolicyType switch: a protocol, the server's cipher order, or a cipher. */
const ssl = (AttributeName: string, DefaultValue?: string): PolicyAttributeTypeDescription => ({
  AttributeName,
  AttributeType: 'Boolean',
  ...(DefaultValue === undefined ? {} : { DefaultValue }),
  Cardinality: 'ZERO_OR_ONE',
});

/** The ciphers of the predefined policies, in the table's order, then older ones AWS named. */
const SSL_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES128-SHA256',
  'ECDHE-RSA-AES128-SHA256',
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES128-SHA',
  'DHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-AES256-SHA384',
  'ECDHE-RSA-AES256-SHA384',
  'ECDHE-RSA-AES256-SHA',
  'ECDHE-ECDSA-AES256-SHA',
  'AES128-GCM-SHA256',
  'AES128-SHA256',
  'AES128-SHA',
  'AES256-GCM-SHA384',
  'AES256-SHA256',
  'AES256-SHA',
  'DHE-DSS-AES128-SHA',
  'DES-CBC3-SHA',
  // In the 2011-08 to 2014-10 policies (the Developer Guide's older table).
  'CAMELLIA128-SHA',
  'EDH-RSA-DES-CBC3-SHA',
  'ECDHE-RSA-RC4-SHA',
  'RC4-SHA',
  // In the 2012 sample policies (jclouds' describe_policies.xml).
  'ADH-AES256-SHA',
  'DHE-RSA-AES256-SHA',
  'EDH-DSS-DES-CBC3-SHA',
] as const;

/** What the predefined security policies' table calls Server Order Preference. */
export const SERVER_ORDER = 'Server-Defined-Cipher-Order';

/** The predefined security policy a custom one starts from (ssl-config-update). */
const REFERENCE_POLICY = 'Reference-Security-Policy';

/** Every type, in the order the aws CLI's example lists them. */
export const POLICY_TYPES: readonly PolicyTypeDescription[] = [
  {
    PolicyTypeName: 'ProxyProtocolPolicyType',
    Description:
      'Policy that controls whether to include the IP address and port of the originating request for TCP messages. This policy operates on TCP/SSL listeners only',
    PolicyAttributeTypeDescriptions: [
      { AttributeName: 'ProxyProtocol', AttributeType: 'Boolean', Cardinality: 'ONE' },
    ],
  },
  {
    PolicyTypeName: 'PublicKeyPolicyType',
    Description:
      'Policy containing a list of public keys to accept when authenticating the back-end server(s). This policy cannot be applied directly to back-end servers or listeners but must be part of a BackendServerAuthenticationPolicyType.',
    PolicyAttributeTypeDescriptions: [
      { AttributeName: 'PublicKey', AttributeType: 'String', Cardinality: 'ONE' },
    ],
  },
  {
    PolicyTypeName: 'AppCookieStickinessPolicyType',
    Description:
      'Stickiness policy with session lifetimes controlled by the lifetime of the application-generated cookie. This policy can be associated only with HTTP/HTTPS listeners.',
    PolicyAttributeTypeDescriptions: [
      { AttributeName: 'CookieName', AttributeType: 'String', Cardinality: 'ONE' },
    ],
  },
  {
    PolicyTypeName: 'LBCookieStickinessPolicyType',
    Description:
      'Stickiness policy with session lifetimes controlled by the browser (user-agent) or a specified expiration period. This policy can be associated only with HTTP/HTTPS listeners.',
    PolicyAttributeTypeDescriptions: [
      {
        AttributeName: 'CookieExpirationPeriod',
        AttributeType: 'Long',
        Cardinality: 'ZERO_OR_ONE',
      },
    ],
  },
  {
    PolicyTypeName: 'SSLNegotiationPolicyType',
    Description:
      'Listener policy that defines the ciphers and protocols that will be accepted by the load balancer. This policy can be associated only with HTTPS/SSL listeners.',
    PolicyAttributeTypeDescriptions: [
      ssl('Protocol-SSLv2', 'false'),
      ssl('Protocol-SSLv3'),
      ssl('Protocol-TLSv1', 'true'),
      ssl('Protocol-TLSv1.1'),
      ssl('Protocol-TLSv1.2'),
      ssl(SERVER_ORDER),
      ...SSL_CIPHERS.map((cipher) => ssl(cipher)),
      { AttributeName: REFERENCE_POLICY, AttributeType: 'String', Cardinality: 'ZERO_OR_ONE' },
    ],
  },
  {
    PolicyTypeName: 'BackendServerAuthenticationPolicyType',
    Description:
      'Policy that controls authentication to back-end server(s) and contains one or more policies, such as an instance of a PublicKeyPolicyType. This policy can be associated only with back-end servers that are using HTTPS/SSL.',
    PolicyAttributeTypeDescriptions: [
      {
        AttributeName: 'PublicKeyPolicyName',
        AttributeType: 'PolicyName',
        Cardinality: 'ONE_OR_MORE',
      },
    ],
  },
];

/**
 * Where a policy of each type may be set, as each type's description and the
 * API reference say: on listeners of some protocols
 * (SetLoadBalancerPoliciesOfListener), on instance ports
 * (SetLoadBalancerPoliciesForBackendServer), or only inside another policy.
 */
export const POLICY_PLACES: Record<
  PolicyTypeName,
  | { on: 'listener'; protocols: readonly string[] }
  | { on: 'instance port' }
  | { on: 'another policy' }
> = {
  ProxyProtocolPolicyType: { on: 'instance port' },
  BackendServerAuthenticationPolicyType: { on: 'instance port' },
  PublicKeyPolicyType: { on: 'another policy' },
  SSLNegotiationPolicyType: { on: 'listener', protocols: ['HTTPS', 'SSL'] },
  AppCookieStickinessPolicyType: { on: 'listener', protocols: ['HTTP', 'HTTPS'] },
  LBCookieStickinessPolicyType: { on: 'listener', protocols: ['HTTP', 'HTTPS'] },
};
