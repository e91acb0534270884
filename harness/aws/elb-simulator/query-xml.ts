// The AWS Query protocol as the ELB APIs (2012-06-01 Classic, 2015-12-01 v2)
// speak it: form parameters in ("Names.member.1"), XML out (lists as <member>s).
import { randomUUID } from 'node:crypto';
import { escapeXml } from '../../xml.ts';
import { AwsError, validationErrors, violation } from './aws-error.ts';

const namespace = (version: string) => `http://elasticloadbalancing.amazonaws.com/doc/${version}/`;

/** A result object, or its promise when the action needs I/O. */
export type QueryResult = Record<string, unknown> | Promise<Record<string, unknown>>;

/** One API version's actions: a result object (or its promise) per action, or an AwsError. */
export interface QueryApi {
  version: string;
  /** The actions it answers (any other is InvalidAction). */
  actions: readonly string[];
  perform(action: string, q: QueryParams): QueryResult;
  /** Resolves once the last change has taken effect, so the reply can wait for it. */
  applied(): Promise<void>;
}

/** One action on a state: its result, or an AwsError. */
export type Action<S> = (state: S, q: QueryParams) => QueryResult;

/** The Query API `version` of `actions` on `state`. */
export function queryApi<S extends { applied(): Promise<void> }>(
  version: string,
  actions: Record<string, Action<S>>,
  state: S,
): QueryApi {
  return {
    version,
    actions: Object.keys(actions),
    perform: (action, q) => {
      // Own keys only: "toString" is no action.
      const act = Object.hasOwn(actions, action) ? actions[action] : undefined;
      if (!act)
        throw new AwsError(
          'InvalidAction',
          `The action ${action} is not valid for this web service.`,
        );
      return act(state, q);
    },
    applied: () => state.applied(),
  };
}

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

/** A parameter the action cannot do without; AWS says MissingParameter. */
export const requiredParam = (q: QueryParams, name: string): string => {
  const v = q.get(name);
  if (v === undefined || v === '')
    throw new AwsError('MissingParameter', `The request must contain the parameter ${name}`);
  return v;
};

/** A port number, 1-65535; `member` is how AWS's validation message names it. */
export const portParam = (text: string, member: string): number => {
  const n = Number(text);
  if (!/^-?\d+$/.test(text)) throw validationErrors([violation(text, member, 'be an integer')]);
  if (n < 1)
    throw validationErrors([violation(n, member, 'have value greater than or equal to 1')]);
  if (n > 65535)
    throw validationErrors([violation(n, member, 'have value less than or equal to 65535')]);
  return n;
};

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
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return escapeXml(String(value));
  throw new Error(`a ${typeof value} has no XML form`);
}

export function resultXml(
  version: string,
  action: string,
  result: Record<string, unknown>,
): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace(version)}">` +
    `<${action}Result>${toXml(result)}</${action}Result>` +
    `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`
  );
}

export function errorXml(version: string, code: string, message: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${namespace(version)}">` +
    `<Error><Type>Sender</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
    `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`
  );
}
