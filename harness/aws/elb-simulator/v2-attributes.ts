// The attributes of a Network Load Balancer's TCP target group (instance
// targets): the set and defaults DescribeTargetGroupAttributes lists, and the
// checks ModifyTargetGroupAttributes makes before it changes anything. Pure.
import { missing } from './aws-error.ts';
import { ElbV2Error } from './v2-error.ts';

export interface Attribute {
  Key: string;
  Value: string;
}

/** Throws if `value` is not acceptable for `key`. */
type Check = (key: string, value: string) => void;

const invalid = (message: string) => new ElbV2Error('ValidationError', message);

const oneOf =
  (...allowed: string[]): Check =>
  (key, value) => {
    if (!allowed.includes(value))
      throw invalid(`'${key}' value '${value}' must be one of [${allowed.join(', ')}]`);
  };

const between =
  (min: number, max: number): Check =>
  (key, value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max)
      throw invalid(`'${key}' value '${value}' must be between '${min}-${max}' inclusive`);
  };

const offOr =
  (check: Check): Check =>
  (key, value) => {
    if (value !== 'off') check(key, value);
  };

const BOOLEAN = oneOf('true', 'false');

const stickinessType: Check = (key, value) => {
  if (value === 'lb_cookie' || value === 'app_cookie')
    throw new ElbV2Error(
      'InvalidConfigurationRequest',
      `Stickiness type '${value}' is not supported for target groups with the TCP protocol`,
    );
  if (value !== 'source_ip')
    throw invalid(`'Stickiness type' must be one of [app_cookie, lb_cookie, source_ip]`);
};

/** Key → [default, check], in the order DescribeTargetGroupAttributes lists them. */
const NLB_TCP: Record<string, [string, Check]> = {
  'proxy_protocol_v2.enabled': ['false', BOOLEAN],
  // On for instance targets, the NLB guide says (off only for IP targets over TCP or TLS).
  'preserve_client_ip.enabled': ['true', BOOLEAN],
  'deregistration_delay.timeout_seconds': ['300', between(0, 3600)],
  'deregistration_delay.connection_termination.enabled': ['false', BOOLEAN],
  'stickiness.enabled': ['false', BOOLEAN],
  'stickiness.type': ['source_ip', stickinessType],
  'load_balancing.cross_zone.enabled': [
    'use_load_balancer_configuration',
    oneOf('true', 'false', 'use_load_balancer_configuration'),
  ],
  'target_group_health.dns_failover.minimum_healthy_targets.count': [
    '1',
    offOr(between(1, Number.MAX_SAFE_INTEGER)),
  ],
  'target_group_health.dns_failover.minimum_healthy_targets.percentage': [
    'off',
    offOr(between(1, 100)),
  ],
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count': [
    '1',
    between(1, Number.MAX_SAFE_INTEGER),
  ],
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage': [
    'off',
    offOr(between(1, 100)),
  ],
  'target_health_state.unhealthy.connection_termination.enabled': ['true', BOOLEAN],
  'target_health_state.unhealthy.draining_interval_seconds': ['0', between(0, 360000)],
};

/** Keys AWS knows, for other kinds of target group (ALB, Lambda, GWLB). */
const OTHER_KINDS = new Set([
  'load_balancing.algorithm.type',
  'load_balancing.algorithm.anomaly_mitigation',
  'slow_start.duration_seconds',
  'stickiness.app_cookie.cookie_name',
  'stickiness.app_cookie.duration_seconds',
  'stickiness.lb_cookie.duration_seconds',
  'lambda.multi_value_headers.enabled',
  'target_failover.on_deregistration',
  'target_failover.on_unhealthy',
]);

/**
 * Keys AWS does not let an account set: only AWS Support changes them, and
 * DescribeTargetGroupAttributes does not show them (reported: hashicorp/
 * terraform-provider-aws#19766, #41450; pires/go-proxyproto#25).
 */
const SUPPORT_ONLY = new Set(['proxy_protocol_v2.client_to_server.header_placement']);

/** A new TCP target group's attributes. */
export function defaultAttributes(): Map<string, string> {
  return new Map(Object.entries(NLB_TCP).map(([key, [value]]) => [key, value]));
}

/**
 * Checks every change before any is made, as AWS applies all or none: an
 * unknown key or a malformed value is a ValidationError, a key or value this
 * kind of target group does not support an InvalidConfigurationRequest.
 */
export function checkAttributeChanges(
  changes: { Key?: string | undefined; Value?: string | undefined }[],
): Attribute[] {
  if (changes.length === 0) throw missing('attributes');
  return changes.map(({ Key, Value }, i) => {
    if (Key === undefined) throw missing(`attributes.${i + 1}.member.key`);
    const value = Value ?? '';
    const spec = NLB_TCP[Key];
    if (spec) spec[1](Key, value);
    // AWS's own answer is not established: ValidationError is the nearest.
    else if (SUPPORT_ONLY.has(Key))
      throw invalid(`Target group attribute key '${Key}' can only be changed by AWS Support`);
    else if (OTHER_KINDS.has(Key))
      throw new ElbV2Error(
        'InvalidConfigurationRequest',
        'The provided target group attribute is not supported',
      );
    else throw invalid(`Target group attribute key '${Key}' is not recognized`);
    return { Key, Value: value };
  });
}
