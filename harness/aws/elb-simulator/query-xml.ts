// The AWS Query protocol as the Classic ELB API (2012-06-01) speaks it: form
// parameters in ("Names.member.1"), XML out (lists as <member> elements).
import { randomUUID } from 'node:crypto';

export const ELB_API_VERSION = '2012-06-01';
const NAMESPACE = `http://elasticloadbalancing.amazonaws.com/doc/${ELB_API_VERSION}/`;

/** A form-encoded Query request's parameters. */
export class QueryParams {
  private readonly params: URLSearchParams;

  constructor(body: string) {
    this.params = new URLSearchParams(body);
  }

  get(name: string): string | undefined {
    return this.params.get(name) ?? undefined;
  }

  /** `Name.member.1`, `Name.member.2`, ... in order. */
  list(name: string): string[] {
    const out: string[] = [];
    for (let i = 1; this.params.has(`${name}.member.${i}`); i++)
      out.push(this.params.get(`${name}.member.${i}`)!);
    return out;
  }

  /** `Name.member.N.Field` for every N, as one record per member. */
  records(name: string, fields: string[]): Record<string, string | undefined>[] {
    const out: Record<string, string | undefined>[] = [];
    for (let i = 1; fields.some((f) => this.params.has(`${name}.member.${i}.${f}`)); i++) {
      out.push(
        Object.fromEntries(
          fields.map((f) => [f, this.params.get(`${name}.member.${i}.${f}`) ?? undefined]),
        ),
      );
    }
    return out;
  }
}

const escape = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

/** XML for a value: objects as child elements, arrays as <member>s, dates as ISO text. */
export function toXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v)}</member>`).join('');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('');
  }
  return escape(String(value));
}

export function resultXml(action: string, result: Record<string, unknown>): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${NAMESPACE}">` +
    `<${action}Result>${toXml(result)}</${action}Result>` +
    `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`
  );
}

export function errorXml(code: string, message: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${NAMESPACE}">` +
    `<Error><Type>Sender</Type><Code>${escape(code)}</Code><Message>${escape(message)}</Message></Error>` +
    `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`
  );
}
