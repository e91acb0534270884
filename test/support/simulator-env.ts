/**
 * The whole environment for a proxyproof child process that must talk to the
 * simulator only: dummy credentials, no profile, no metadata lookups, nothing
 * inherited from a developer's own AWS settings.
 */
export function simulatorEnv(
  region: string,
  endpoint: string,
  settings: Record<string, string>,
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    AWS_ACCESS_KEY_ID: 'proxyproof',
    AWS_SECRET_ACCESS_KEY: 'proxyproof',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_REGION: region,
    PROXYPROOF_AWS_ENDPOINT: endpoint,
    ...settings,
  };
}
