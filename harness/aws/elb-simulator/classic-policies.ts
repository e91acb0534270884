// Classic ELB policies: a new policy's attributes checked against its type,
// where a policy may be set, and the sample policies as
// DescribeLoadBalancerPolicies shows them. Pure.
import { AwsError } from './aws-error.ts';
import {
  POLICY_PLACES,
  POLICY_TYPES,
  type Policy,
  type PolicyAttributeTypeDescription,
  type PolicyTypeDescription,
} from './classic-policy-types.ts';
import { SAMPLE_POLICIES, type SamplePolicy } from './classic-sample-policies.ts';

const invalid = (message: string) => new AwsError('InvalidConfigurationRequest', message);

/** The named types (all when none are named); PolicyTypeNotFound for a name AWS does not have. */
export function policyTypes(names: string[]): readonly PolicyTypeDescription[] {
  const unknown = names.find((n) => !POLICY_TYPES.some((t) => t.PolicyTypeName === n));
  if (unknown !== undefined)
    throw new AwsError(
      'PolicyTypeNotFound',
      `One or more specified policy types do not exist: ${unknown}`,
    );
  return names.length > 0
    ? POLICY_TYPES.filter((t) => names.includes(t.PolicyTypeName))
    : POLICY_TYPES;
}

/** The type a new policy names; PolicyTypeNotFound in CreateLoadBalancerPolicy's words. */
function policyType(name: string): PolicyTypeDescription {
  const type = POLICY_TYPES.find((t) => t.PolicyTypeName === name);
  if (!type) throw new AwsError('PolicyTypeNotFound', `There is no policy type named '${name}'`);
  return type;
}

/** Whether a value is one of the attribute's type. */
const OF_TYPE: Record<PolicyAttributeTypeDescription['AttributeType'], (v: string) => boolean> = {
  // AWS takes the blog's "True" as well.
  Boolean: (v) => /^(true|false)$/i.test(v),
  Long: (v) => /^-?\d{1,19}$/.test(v) && BigInt.asIntN(64, BigInt(v)) === BigInt(v),
  String: () => true,
  PolicyName: (v) => v !== '',
};

/** How many values each cardinality takes: at least, at most. */
const CARDINALITIES = {
  ONE: [1, 1],
  ZERO_OR_ONE: [0, 1],
  ZERO_OR_MORE: [0, Infinity],
  ONE_OR_MORE: [1, Infinity],
} as const;

/** Name prefixes AWS keeps for its predefined policies (ssl-config-update). */
const RESERVED_PREFIXES = ['ELBSecurityPolicy-', 'ELBSample-'];

/**
 * A new policy as its type allows it: a type AWS has, a name that is not
 * AWS's, each attribute one of the type's and of its attribute type, each as
 * many times as its cardinality takes.
 */
export function checkPolicy(policy: Policy): void {
  const type = policyType(policy.PolicyTypeName);
  const reserved = RESERVED_PREFIXES.find((p) => policy.PolicyName.startsWith(p));
  if (reserved !== undefined)
    throw invalid(`Policy names beginning with ${reserved} are reserved for predefined policies`);
  const given = policy.PolicyAttributeDescriptions;
  for (const { AttributeName, AttributeValue } of given) {
    const spec = type.PolicyAttributeTypeDescriptions.find(
      (t) => t.AttributeName === AttributeName,
    );
    if (!spec) throw invalid(`Unknown attribute ${AttributeName} for ${type.PolicyTypeName}`);
    if (!OF_TYPE[spec.AttributeType](AttributeValue))
      throw invalid(`${AttributeName} must be a ${spec.AttributeType}, not '${AttributeValue}'`);
  }
  for (const spec of type.PolicyAttributeTypeDescriptions) {
    const count = given.filter((a) => a.AttributeName === spec.AttributeName).length;
    const [least, most] = CARDINALITIES[spec.Cardinality];
    if (count < least || count > most)
      throw invalid(
        `${type.PolicyTypeName} takes ${spec.AttributeName} ${spec.Cardinality}, not ${count} times`,
      );
  }
}

/**
 * Whether `policy` may be set where it is asked to be: on a listener of
 * `listenerProtocol`, or on an instance port. AWS refuses the others as an
 * invalid configuration, in these words for a ProxyProtocol policy on a listener.
 */
export function checkPlacement(
  policy: Policy,
  where: { listenerProtocol: string } | 'instance port',
): void {
  const place = POLICY_PLACES[policyType(policy.PolicyTypeName).PolicyTypeName];
  const fits =
    where === 'instance port'
      ? place.on === 'instance port'
      : place.on === 'listener' && place.protocols.includes(where.listenerProtocol);
  if (!fits) throw invalid(`${policy.PolicyName} cannot be enabled`);
}

/** The SSL negotiation switches (the type's Boolean attributes), in its order. */
const SSL_SWITCHES = policyType('SSLNegotiationPolicyType')
  .PolicyAttributeTypeDescriptions.filter((a) => a.AttributeType === 'Boolean')
  .map((a) => a.AttributeName);

/** A sample policy as DescribeLoadBalancerPolicies shows it, under the name it was asked by. */
function described(sample: SamplePolicy, PolicyName: string): Policy {
  const PolicyAttributeDescriptions =
    'enables' in sample
      ? SSL_SWITCHES.map((AttributeName) => ({
          AttributeName,
          AttributeValue: String(sample.enables.includes(AttributeName)),
        }))
      : [...sample.recorded];
  return { PolicyName, PolicyTypeName: 'SSLNegotiationPolicyType', PolicyAttributeDescriptions };
}

/** AWS's PolicyNotFound for a policy name, on a load balancer or among the samples. */
export const policyNotFound = (name: string, lbName?: string) =>
  new AwsError(
    'PolicyNotFound',
    lbName === undefined
      ? `There is no policy with name ${name}`
      : `There is no policy with name ${name} for load balancer ${lbName}`,
  );

/**
 * The sample policies named (every listed one when none is), as AWS answers
 * DescribeLoadBalancerPolicies without a load balancer; PolicyNotFound for a
 * name that is none of them.
 */
export function samplePolicies(names: string[]): Policy[] {
  if (names.length === 0) return SAMPLE_POLICIES.map((p) => described(p, p.PolicyName));
  return names.map((name) => {
    const sample = SAMPLE_POLICIES.find(
      (p) => p.PolicyName === name || p.alsoNamed?.includes(name),
    );
    if (!sample) throw policyNotFound(name);
    return described(sample, name);
  });
}
