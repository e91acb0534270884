import { awsClients, missingCredentials } from '../aws/clients.ts';
import { AWS_VARIABLES, awsPlaceFrom } from '../aws/settings.ts';
import { parseAge, sweepAws } from '../aws/sweep.ts';
import { SetupError } from '../errors.ts';

/**
 * `proxyproof aws sweep`: restore what killed runs left changed and remove
 * their policies; with --records-only, just replay this machine's restore
 * records (exact, and safe beside runs still going elsewhere).
 */
export async function awsSweep(
  options: { olderThan: string; reports: string; recordsOnly?: boolean },
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const olderThanMs = parseAge(options.olderThan);
  if (olderThanMs === null)
    throw new SetupError(`--older-than must be like 30m, 6h, 2d or 0, not ${options.olderThan}`);
  const found = awsPlaceFrom(env);
  const place = options.recordsOnly ? null : found;
  if (place) {
    const clients = awsClients(place);
    const missing = await missingCredentials(clients);
    clients.destroy();
    if (missing)
      throw new SetupError(`no AWS credentials from the SDK's default chain: ${missing}`);
  } else if (!found) {
    process.stderr.write(
      `${AWS_VARIABLES.region} is not set: replaying restore records only, not scanning for leftover policies\n`,
    );
  }
  const result = await sweepAws({
    reportsDir: options.reports,
    olderThanMs,
    place,
    clients: awsClients,
  });
  for (const r of result.restored) process.stdout.write(`restored ${r}\n`);
  for (const d of result.deleted) process.stdout.write(`deleted ${d}\n`);
  for (const p of result.problems) process.stderr.write(`could not sweep ${p}\n`);
  process.stdout.write(
    `${result.restored.length} restored, ${result.deleted.length} deleted, ${result.problems.length} problem(s)\n`,
  );
  return result.problems.length > 0 ? 1 : 0;
}
