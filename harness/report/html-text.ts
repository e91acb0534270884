// Safe markup for the HTML report, and the page's small text formats.
import type { ScenarioStatus } from './types.ts';
import { formatEndpoint, type Endpoint } from '../net/endpoint.ts';
import { escapeXml } from '../xml.ts';

/** Markup that is already safe: only `markup` and `raw` make one. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Trusted markup written by this renderer, never report data. */
export const raw = (trusted: string): Html => new Html(trusted);

type Part = Html | string | number | null | undefined | false | readonly Part[];

function part(value: Part): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(part).join('');
  return escapeXml(String(value)); // XML's escaping is valid HTML text and attribute escaping
}

/**
 * Template tag that escapes every interpolated value unless it is already Html,
 * so forgetting to escape report text is impossible by construction. Not named
 * `html`: Prettier would reformat such templates, whitespace of <pre> included.
 */
export function markup(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => (out += part(v) + strings[i + 1]!));
  return new Html(out);
}

export const endpointText = (e: Endpoint | null | undefined): string =>
  e ? formatEndpoint(e) : '—';

/** An anchor id for a scenario; ids come from file names, escaped where used. */
export const scenarioAnchor = (id: string): string => `scenario-${id}`;

const MARKS: Record<ScenarioStatus, string> = {
  passed: '✓ passed',
  failed: '✗ FAILED',
  skipped: '– skipped',
  errored: '⚠ ERRORED',
};

/** A status as a symbol and a word, so it reads without colour (and in print). */
export const mark = (status: ScenarioStatus): Html =>
  markup`<span class="mark ${status}">${MARKS[status]}</span>`;

/**
 * A collapsible block. One that holds a failure is rendered open and marked, so
 * print (CSS and a beforeprint hook) never folds a failure away.
 */
export function foldable(summary: Html, body: Html, failure: boolean, className = ''): Html {
  const classes = [className, failure ? 'has-failure' : ''].filter(Boolean).join(' ');
  const open = failure ? raw(' open') : '';
  return markup`<details class="${classes}"${open}><summary>${summary}</summary>${body}</details>`;
}

/** Beyond this many connections a scenario's table and header list fold. */
const FOLD_AFTER = 10;

/** A connection-by-connection block, folded when long (open anyway if one failed). */
export function foldWhenLong(count: number, body: Html, failed: number): Html {
  if (count <= FOLD_AFTER) return body;
  return foldable(markup`${count} connections, ${failed} failed`, body, failed > 0);
}
