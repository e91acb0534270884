import { parseAge } from '../age.ts';
import { awsClients, missingCredentials } from '../aws/clients.ts';
import { AWS_VARIABLES, awsPlaceFrom, malformedAwsSettings } from '../aws/settings.ts';
import { sweepAws } from '../aws/sweep.ts';
import { errorKind, errorLine, SetupError } from '../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { ensureFolder } from '../folders.ts';

/**
 * `proxyproof aws sweep`: restore what killed runs left changed and remove
 * their policies; with --records-only, just replay this machine's restore
 * records (exact, and safe beside runs still going elsewhere). Exit 0 when
 * everything found was put back (or nothing needed it), 2 when a setting, the
 * folder or AWS stood in the way.
 */
export async function awsSweep(
  options: { olderThan: string; reports: string; recordsOnly?: boolean },
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const olderThanMs = parseAge(options.olderThan);
  if (olderThanMs === null)
    throw new SetupError(`--older-than must be like 30m, 6h, 2d or 0, not ${options.olderThan}`);
  await ensureFolder(options.reports, '--reports');
  const malformed = malformedAwsSettings(env);
  if (malformed.length > 0) throw new SetupError(`malformed AWS settings: ${malformed.join('; ')}`);
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
  }).catch((e: unknown) => {
    if (errorKind(e) === 'harness') throw e;
    const where = place?.endpoint ?? `AWS in ${place?.region ?? "the records' regions"}`;
    throw new SetupError(`the ELB API (${where}) did not let the sweep finish: ${errorLine(e)}`);
  });
  for (const r of result.restored) process.stdout.write(`restored ${r}\n`);
  for (const d of result.deleted) process.stdout.write(`deleted ${d}\n`);
  for (const p of result.problems) process.stderr.write(`could not sweep ${p}\n`);
  process.stdout.write(
    `${result.restored.length} restored, ${result.deleted.length} deleted, ${result.problems.length} problem(s)` +
      (result.records === 0 ? ` (no restore records in ${options.reports}/aws-pending)` : '') +
      '\n',
  );
  // What could not be put back is left for another sweep: the environment stood in the way.
  return result.problems.length > 0 ? EXIT.setup : EXIT.passed;
}
