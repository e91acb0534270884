// Bring-your-own AWS settings, read from the environment (CI secrets and
// variables). Pure: takes the environment as an argument. Credentials are not
// here: they come from the SDK's default chain.
import { isIP } from 'node:net';
import { parseHostPort, type Endpoint } from '../net/endpoint.ts';
import type { Credentials } from '../probes/session.ts';
import type { AwsPlace } from './clients.ts';

export type AwsBalancerKind = 'classic-elb' | 'nlb';

interface Common {
  region: string;
  /** An endpoint override (proxyproof's simulator); absent means AWS itself. */
  endpoint: string | undefined;
  mysql: Credentials;
  /**
   * The runner's address as the balancer sees it (its public address behind
   * NAT); absent means the client socket's own address.
   */
  originAddress: string | undefined;
}

export interface ClassicElbSettings extends Common {
  kind: 'classic-elb';
  loadBalancerName: string;
  instancePort: number;
  /** Absent: the load balancer's DNS name and the listener that forwards to the instance port. */
  listener: Endpoint | undefined;
}

export interface NlbSettings extends Common {
  kind: 'nlb';
  targetGroupArn: string;
  listener: Endpoint;
}

export type AwsSettings = ClassicElbSettings | NlbSettings;

/** Every variable proxyproof reads, with what it is for (README and skip reasons name them). */
export const AWS_VARIABLES = {
  region: 'PROXYPROOF_AWS_REGION (or AWS_REGION)',
  endpoint: 'PROXYPROOF_AWS_ENDPOINT',
  user: 'PROXYPROOF_MYSQL_USER',
  password: 'PROXYPROOF_MYSQL_PASSWORD',
  origin: 'PROXYPROOF_ORIGIN_ADDRESS',
  classicName: 'PROXYPROOF_CLASSIC_ELB_NAME',
  classicPort: 'PROXYPROOF_CLASSIC_ELB_INSTANCE_PORT',
  classicListener: 'PROXYPROOF_CLASSIC_ELB_LISTENER',
  nlbTargetGroup: 'PROXYPROOF_NLB_TARGET_GROUP_ARN',
  nlbListener: 'PROXYPROOF_NLB_LISTENER',
} as const;

type Env = Record<string, string | undefined>;

/**
 * Settings for one balancer kind, or why not. Missing settings mean "not
 * configured here" (the scenario is skipped, saying which); malformed ones are
 * a mistake to fix before anything runs (exit 2, naming the variable).
 */
export type SettingsResult =
  | { ok: true; settings: AwsSettings; malformed: [] }
  | { ok: false; missing: string[]; malformed: string[] };

/** A variable's value; empty counts as unset (CI gives "" for an unset repository variable). */
const valueIn = (env: Env, name: string) => {
  const v = env[name]?.trim();
  return v === '' ? undefined : v;
};

/** What is wrong with an endpoint override, if anything: the SDK needs an http(s) URL with a host. */
function endpointProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `must be an http:// or https:// URL, not ${url.protocol}`;
  if (!url.hostname) return 'has no host';
  return null;
}

/** Region and endpoint override, or null without a region. */
export function awsPlaceFrom(env: Env = process.env): AwsPlace | null {
  const region = valueIn(env, 'PROXYPROOF_AWS_REGION') ?? valueIn(env, 'AWS_REGION');
  return region ? { region, endpoint: valueIn(env, AWS_VARIABLES.endpoint) } : null;
}

/** Every malformed setting among those present, in words naming the variable and the value. */
export function malformedAwsSettings(env: Env = process.env): string[] {
  const problems: string[] = [];
  const bad = (name: string, value: string, why: string) =>
    problems.push(`${name}=${JSON.stringify(value)} ${why}`);
  const endpoint = valueIn(env, AWS_VARIABLES.endpoint);
  const endpointWhy = endpoint === undefined ? null : endpointProblem(endpoint);
  if (endpoint !== undefined && endpointWhy) bad(AWS_VARIABLES.endpoint, endpoint, endpointWhy);
  for (const name of ['PROXYPROOF_AWS_REGION', 'AWS_REGION']) {
    const region = valueIn(env, name);
    if (region !== undefined && !/^[a-z0-9]+(-[a-z0-9]+)+$/.test(region))
      bad(name, region, 'is not a region name like eu-west-1');
  }
  const port = valueIn(env, AWS_VARIABLES.classicPort);
  if (port !== undefined && !(/^\d+$/.test(port) && +port >= 1 && +port <= 65535))
    bad(AWS_VARIABLES.classicPort, port, 'must be a port 1-65535');
  for (const name of [AWS_VARIABLES.classicListener, AWS_VARIABLES.nlbListener]) {
    const listener = valueIn(env, name);
    if (listener !== undefined && !parseHostPort(listener))
      bad(name, listener, 'must be host:port ([v6 address]:port for IPv6)');
  }
  const name = valueIn(env, AWS_VARIABLES.classicName);
  if (name !== undefined && !/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/.test(name))
    bad(
      AWS_VARIABLES.classicName,
      name,
      'is not a Classic ELB name (1-32 letters, digits, hyphens; no hyphen at either end)',
    );
  const arn = valueIn(env, AWS_VARIABLES.nlbTargetGroup);
  if (
    arn !== undefined &&
    !/^arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:targetgroup\/[^/]+\/[^/]+$/.test(arn)
  )
    bad(
      AWS_VARIABLES.nlbTargetGroup,
      arn,
      'is not a target group ARN (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>)',
    );
  const origin = valueIn(env, AWS_VARIABLES.origin);
  if (origin !== undefined && isIP(origin) === 0)
    bad(AWS_VARIABLES.origin, origin, 'is not an IP address');
  return problems;
}

export function readAwsSettings(kind: AwsBalancerKind, env: Env = process.env): SettingsResult {
  const malformed = malformedAwsSettings(env);
  const missing: string[] = [];
  const value = (name: string) => valueIn(env, name);
  const need = (name: string, what: string) => {
    const v = value(name);
    if (v === undefined) missing.push(`${name} is not set (${what})`);
    return v ?? '';
  };
  if (kind === 'classic-elb') {
    need(AWS_VARIABLES.classicName, 'the Classic ELB to test');
  } else {
    need(AWS_VARIABLES.nlbTargetGroup, "the ARN of the NLB's target group");
    need(AWS_VARIABLES.nlbListener, "the NLB's DNS name and listener port, host:port");
  }
  const place = awsPlaceFrom(env);
  if (!place) missing.push(`${AWS_VARIABLES.region} is not set`);
  const user = need(AWS_VARIABLES.user, 'a database user on the backends');
  if (missing.length > 0 || malformed.length > 0 || !place)
    return { ok: false, missing, malformed };
  const listenerIn = (name: string) => {
    const v = value(name);
    return v === undefined ? undefined : (parseHostPort(v) ?? undefined);
  };
  const common: Common = {
    region: place.region,
    endpoint: place.endpoint,
    mysql: { user, password: value(AWS_VARIABLES.password) ?? '' },
    originAddress: value(AWS_VARIABLES.origin),
  };
  const settings: AwsSettings =
    kind === 'classic-elb'
      ? {
          kind,
          ...common,
          loadBalancerName: value(AWS_VARIABLES.classicName)!,
          instancePort: Number(value(AWS_VARIABLES.classicPort) ?? '3306'),
          listener: listenerIn(AWS_VARIABLES.classicListener),
        }
      : {
          kind,
          ...common,
          targetGroupArn: value(AWS_VARIABLES.nlbTargetGroup)!,
          listener: listenerIn(AWS_VARIABLES.nlbListener)!,
        };
  return { ok: true, settings, malformed: [] };
}
