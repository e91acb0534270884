// A Classic load balancer's tags, checked as the model and the Classic Load
// Balancers Guide (add-remove-tags) constrain them. Pure.
import { AwsError, missing, validationErrors, violation } from './aws-error.ts';

export interface Tag {
  Key: string;
  Value?: string;
}

/** Tags per load balancer (add-remove-tags). */
const MOST_TAGS = 50;

/** The model's TagKey and TagValue: letters, spaces, digits and _.:/=+-@. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

const constraint = (value: string, member: string, rule: string) =>
  validationErrors([violation(value, member, rule)]);

/** The request's tags (`Tags.member.N.Key/Value`), checked; the model's and AWS's errors otherwise. */
export function checkTags(tags: { Key?: string | undefined; Value?: string | undefined }[]): Tag[] {
  const checked = tags.map(({ Key, Value }, i): Tag => {
    const at = `tags.${i + 1}.member`;
    if (Key === undefined) throw missing(`${at}.key`);
    if (Key.length < 1 || Key.length > 128)
      throw constraint(Key, `${at}.key`, 'have length between 1 and 128');
    if (!TAG_TEXT.test(Key))
      throw constraint(Key, `${at}.key`, `satisfy regular expression pattern: ${TAG_TEXT.source}`);
    if (Value !== undefined && (Value.length > 256 || !TAG_TEXT.test(Value)))
      throw constraint(
        Value,
        `${at}.value`,
        `have length less than or equal to 256 and satisfy regular expression pattern: ${TAG_TEXT.source}`,
      );
    return Value === undefined ? { Key } : { Key, Value };
  });
  const repeated = checked.find((t, i) => checked.findIndex((u) => u.Key === t.Key) !== i);
  if (repeated)
    throw new AwsError('DuplicateTagKeys', `Tag key was specified more than once: ${repeated.Key}`);
  if (checked.length > MOST_TAGS)
    throw new AwsError(
      'TooManyTags',
      'The quota for the number of tags that can be assigned to a load balancer has been reached',
    );
  return checked;
}
