import { existsSync } from 'node:fs';
import { execa } from 'execa';

/** Debian's awscli, not whatever else is on PATH; PROXYPROOF_AWS_CLI names another (.ci/test-tools.sh). */
export const AWS = process.env.PROXYPROOF_AWS_CLI || '/usr/bin/aws';
export const hasAwsCli = existsSync(AWS);

/** Runs `aws <service> ...` against `endpoint` only: dummy credentials, no config, no metadata lookups. */
async function awsCli(
  service: 'elb' | 'elbv2',
  endpoint: string,
  args: string[],
): Promise<Record<string, unknown>> {
  const r = await execa(AWS, [service, ...args, '--endpoint-url', endpoint, '--output', 'json'], {
    env: {
      AWS_ACCESS_KEY_ID: 'proxyproof',
      AWS_SECRET_ACCESS_KEY: 'proxyproof',
      AWS_DEFAULT_REGION: 'ap-northeast-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
    },
    extendEnv: false,
  });
  return r.stdout ? (JSON.parse(r.stdout) as Record<string, unknown>) : {};
}

/** `aws elb ...` (Classic) against `endpoint` only. */
export const awsElb = (endpoint: string, ...args: string[]) => awsCli('elb', endpoint, args);

/** `aws elbv2 ...` against `endpoint` only. */
export const awsElbv2 = (endpoint: string, ...args: string[]) => awsCli('elbv2', endpoint, args);
