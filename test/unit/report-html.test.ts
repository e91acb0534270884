import { encodeV1, encodeV2, tlv } from '../../harness/proxy-protocol/index.ts';
import { annotateProxyBytes, type HexField } from '../../harness/report/hex-annotate.ts';
import { renderHtml } from '../../harness/report/html.ts';
import { tallyConnections } from '../../harness/report/connection-tally.ts';
import {
  FAILED_REASON,
  HOSTILE,
  fixtureReport,
  v1Header,
  v2Header,
  wireOf,
} from '../support/html-report-fixture.ts';
import { mixedReport } from '../support/failing-run.ts';

const page = renderHtml(fixtureReport);

/** One scenario's section of the page. */
function section(id: string): string {
  const at = page.indexOf(`id="scenario-${id}"`);
  expect(at).toBeGreaterThan(0); // a missing id must fail, not fall back to the first section
  const start = page.lastIndexOf(`<section class="scenario`, at);
  expect(start).toBeGreaterThanOrEqual(0);
  return page.slice(start, page.indexOf('</section>', start));
}

/** The table rows of a section's connections table, one string a row. */
const rows = (html: string) =>
  html
    .slice(html.indexOf('<table class="connections">'))
    .split('</table>')[0]!
    .split('<tr class=')
    .slice(1);

const containsAll = (text: string, parts: string[]) => {
  for (const part of parts) expect(text).toContain(part);
};

const shape = (fields: HexField[]) => fields.map((f) => [f.offset, f.length, f.label]);

describe('HTML report page', () => {
  test('one self-contained document: inline CSS, no external resources, a CSP forbidding loads', () => {
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('<style>');
    // Report text is escaped, so any `<` left starts markup of our own: none of it loads anything.
    expect(page).not.toMatch(/<link\b|<[^>]*\ssrc=|@import|url\(/i);
    // The only URL is the SVG namespace, which is a name, never fetched.
    expect(page.match(/https?:\/\/[^"\s]+/g)).toEqual(
      Array(page.match(/<svg /g)!.length).fill('http://www.w3.org/2000/svg'),
    );
    expect(page).toContain('content="default-src &apos;none&apos;;');
  });

  test('summary line: counts, total duration, target and run id', () => {
    const summary = page.slice(page.indexOf('<p class="summary">')).split('</p>')[0]!;
    containsAll(summary, [
      '✓ 3 passed',
      '✗ 1 failed',
      '– 1 skipped',
      'took 1 min 05 s',
      'target local+aws',
      '20261126-101500-abcd',
    ]);
  });

  test('every scenario has a section with its status mark, title and reason', () => {
    for (const s of fixtureReport.scenarios) {
      const html = section(s.id);
      containsAll(html, [
        `<section class="scenario ${s.status}"`,
        `<span class="mark ${s.status}">`,
        s.title.replace(/</g, '&lt;').replace(/>/g, '&gt;'),
      ]);
    }
    expect(section('oracle-mysql')).toContain(
      '<strong>Skipped:</strong> needs the image &quot;mysql:8.0&quot;, which cannot be had here',
    );
  });

  test('the failing row is marked in words and carries its diagnosis; the passing row is not', () => {
    const [ok, failed] = rows(section('untrusted'));
    expect(ok).toMatch(/^"passed"/);
    expect(ok).toContain('✓ passed');
    expect(failed).toMatch(/^"failed"/);
    expect(failed).toContain('✗ FAILED');
    expect(failed).toContain(
      'backend-1 saw 10.0.2.250:51234, the balancer itself: it does not trust the balancer &lt;10.0.2.0/24&gt;',
    );
    expect(section('untrusted')).toContain('<div class="diagnosis" role="alert">');
    expect(section('untrusted')).toContain('✗ 1 of 2 connection(s) failed');
  });

  test('three views per row: origin, the last header source, the backend', () => {
    const [first] = rows(section('classic-v1'));
    expect(first).toContain('<td>10.0.1.5:40001</td><td>10.0.1.5:40001</td>');
    expect(first).toContain('10.0.1.5:40001 (backend-1)');
  });

  test('a failed connection is folded open, and print opens every fold holding a failure', () => {
    const html = section('untrusted');
    expect(html).toMatch(/<details class="wire failed has-failure" open><summary>.*harness#2/);
    expect(html).toMatch(/<details class="wire passed"><summary>.*harness#1/);
    containsAll(page, [
      '@media print',
      'details.has-failure::details-content',
      "addEventListener('beforeprint'",
    ]);
  });

  test('long connection lists fold, and stay open when a connection failed', () => {
    const untrusted = fixtureReport.scenarios.find((s) => s.id === 'untrusted')!;
    const many = Array.from({ length: 12 }, (_, i) => ({
      ...untrusted.connections[i % 2]!,
      client: `harness#${i + 1}`,
    }));
    const render = (connections: typeof many) =>
      renderHtml({ ...fixtureReport, scenarios: [{ ...untrusted, connections }] });
    const failing = render(many).match(
      /<details class="has-failure" open><summary>12 connections, 6 failed/g,
    );
    expect(failing).toHaveLength(2); // the table and the header list
    const passing = render(many.map((c) => ({ ...c, verdict: { ok: true, reasons: [] } })));
    expect(passing.match(/<details class=""><summary>12 connections, 0 failed/g)).toHaveLength(2);
  });

  test('thousands of failures under load: the tally says the total, the page shows 200 rows and points to the rest', () => {
    const untrusted = fixtureReport.scenarios.find((s) => s.id === 'untrusted')!;
    const failing = untrusted.connections.find((c) => !c.verdict.ok)!;
    const many = Array.from({ length: 250 }, (_, i) => ({ ...failing, client: `load-1#${i + 1}` }));
    const tally = { ...tallyConnections(many, 1000).tally!, total: 4000, passed: 3750 };
    const out = renderHtml({
      ...fixtureReport,
      scenarios: [{ ...untrusted, connections: many, tally }],
    });
    expect(out).toContain('✗ 250 of 4000 connection(s) failed');
    expect(out).toContain('4,000 connections from');
    expect(out).toContain('…and 50 more in report.json.');
    expect(out).toContain('load-1#200<');
    expect(out).not.toContain('load-1#201<');
  });

  test('the topology draws clients, the balancer with both addresses, backends, failed paths dashed', () => {
    const svg = section('untrusted').split('<svg ')[1]!.split('</svg>')[0]!;
    containsAll(svg, [
      'vpc 10.0.2.250',
      'listener 10.0.1.2:3306',
      '>backend-1<',
      '>10.0.1.5<',
      '<g class="path failed">',
      '>✗ 1<',
      '<g class="path passed">',
    ]);
    expect(page).toContain('svg .path.failed polyline { stroke: var(--fail); stroke-dasharray');
  });

  test('each header: which pair is which, the decoded fields, TLVs, and the annotated bytes', () => {
    const v2 = section('nlb-v2');
    expect(v2).toContain(
      'source 10.0.1.5:40011 is the client as the balancer saw it; destination 10.0.1.2:3306 is the balancer&apos;s own listener',
    );
    expect(v2).toContain('<th scope="row">TLV 0x02 AUTHORITY</th><td>db.example.test</td>');
    expect(v2).toContain('<td>TLV value (UNIQUE_ID)</td><td>conn-0001</td>');
    expect(v2).toMatch(/<td>TLV value \(CRC32C\)<\/td><td>0x[0-9a-f]{8}, verified<\/td>/);
    expect(v2).toContain('<pre class="dump"');
    expect(section('classic-v1')).toContain(
      '<td>0x000b</td><td><code>31 30 2e 30 2e 31 2e 35</code></td><td>source address</td><td>10.0.1.5</td>',
    );
  });

  test('AWS evidence without a wire says why instead of showing a header', () => {
    const aws = section('aws-classic-elb-v1');
    expect(aws).toContain(
      'not observed: the PROXY header: the backends are not ours to capture on',
    );
    expect(aws).toContain('not checked: the origin&apos;s port: NAT may rewrite it');
    expect(aws).not.toContain('<pre class="dump"');
    expect(aws).toContain('vpc not named by the target');
  });

  test('each scenario says what was tested: target, balancer, backends, clients, checks', () => {
    const html = section('classic-v1');
    expect(html).toContain('Tested: classic-elb → mariadb on local containers');
    expect(html).toContain('<li>backends: <code>mariadb</code> ×2</li>');
    expect(html).toContain('<li>clients: <code>harness</code> ×2</li>');
    expect(html).toContain('<li>checks: header v1; backend sees the client</li>');
    expect(section('aws-classic-elb-v1')).toContain('on AWS (your balancer and backends)');
  });

  test('pcap and config links are relative to the report, encoded, and named', () => {
    const html = section('classic-v1');
    containsAll(html, [
      '<a href="classic-v1/backend-1.pcap">classic-v1/backend-1.pcap</a>',
      '<a href="odd%20dir/cap%20%231.pcap">odd dir/cap #1.pcap</a>',
      '<a href="classic-v1/haproxy.cfg">',
    ]);
    expect(page).not.toMatch(/href="(?:file:|\/)/);
  });

  test('step timings are listed', () => {
    expect(section('classic-v1')).toContain(
      '<td>starting backends</td><td class="num">900 ms</td>',
    );
  });

  test('every piece of report text is escaped, the server error included', () => {
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<b>balancer</b>');
    expect(page.match(/<script>/g)).toHaveLength(1); // the page's own print hook
    expect(page).toContain(
      'ER_HOST_NOT_PRIVILEGED: Host &apos;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&apos; &amp; &lt;img src=x onerror=alert(1)&gt;',
    );
    expect(page).toContain('forgery works on a wider trust: &quot;10.0.0.0/8&quot; &amp; more');
    expect(HOSTILE).toContain('<script>');
    expect(FAILED_REASON).toContain('<10.0.2.0/24>');
  });

  test('bytes from the wire are escaped too, in attributes as in text', () => {
    const nlb = fixtureReport.scenarios.find((s) => s.id === 'nlb-v2')!;
    const wire = wireOf(v2Header(40011, 'x"><img src=y>'));
    const connections = [{ ...nlb.connections[0]!, wire }];
    const html = renderHtml({ ...fixtureReport, scenarios: [{ ...nlb, connections }] });
    expect(html).not.toContain('<img');
    expect(html).toContain('title="TLV value (AUTHORITY): x&quot;&gt;&lt;img src=y&gt;"');
    expect(html).toContain('<td>x&quot;&gt;&lt;img src=y&gt;</td>');
  });

  test('renders reports with odd evidence too (no header bytes, stacked sources, no connections)', () => {
    const other = renderHtml(mixedReport);
    containsAll(other, [
      'No header bytes were recorded.',
      '10.9.9.9:4444',
      'id="scenario-aws-nlb-v2"',
    ]);
  });
});

describe('hex annotation (decoded again with the codec, laid over the spec layout)', () => {
  test('v1: signature, protocol, addresses, ports, separators, CRLF', () => {
    const fields = annotateProxyBytes(v1Header(40001)); // PROXY TCP4 10.0.1.5 10.0.1.2 40001 3306\r\n
    expect(shape(fields)).toEqual([
      [0, 6, 'signature'],
      [6, 4, 'protocol'],
      [10, 1, 'SP'],
      [11, 8, 'source address'],
      [19, 1, 'SP'],
      [20, 8, 'destination address'],
      [28, 1, 'SP'],
      [29, 5, 'source port'],
      [34, 1, 'SP'],
      [35, 4, 'destination port'],
      [39, 2, 'CRLF'],
    ]);
    expect(fields.map((f) => f.value).filter((v) => /\d/.test(v))).toEqual([
      'TCP4: TCP over IPv4',
      '10.0.1.5',
      '10.0.1.2',
      '40001',
      '3306',
    ]);
  });

  test('v2: signature, version/command, family, length, addresses, ports, each TLV', () => {
    const bytes = v2Header(40011);
    const fields = annotateProxyBytes(bytes);
    expect(shape(fields)).toEqual([
      [0, 12, 'signature'],
      [12, 1, 'version and command'],
      [13, 1, 'family and protocol'],
      [14, 2, 'length'],
      [16, 4, 'source address'],
      [20, 4, 'destination address'],
      [24, 2, 'source port'],
      [26, 2, 'destination port'],
      [28, 1, 'TLV type'],
      [29, 2, 'TLV length'],
      [31, 15, 'TLV value (AUTHORITY)'],
      [46, 1, 'TLV type'],
      [47, 2, 'TLV length'],
      [49, 9, 'TLV value (UNIQUE_ID)'],
      [58, 1, 'TLV type'],
      [59, 2, 'TLV length'],
      [61, 4, 'TLV value (CRC32C)'],
    ]);
    expect(fields.at(-1)!.offset + fields.at(-1)!.length).toBe(bytes.length);
    const value = (offset: number) => fields.find((f) => f.offset === offset)!.value;
    expect(value(12)).toBe('0x21: version 2, PROXY');
    expect(value(13)).toBe('0x11: INET STREAM (TCP over IPv4)');
    expect(value(14)).toBe(`${bytes.length - 16} bytes follow`);
    expect(value(28)).toBe('0x02 AUTHORITY');
    expect(value(29)).toBe('15 byte(s)');
    expect(value(31)).toBe('db.example.test');
    expect(value(61)).toMatch(/^0x[0-9a-f]{8}, verified$/);
  });

  test('v2 IPv6 with an SSL TLV: the 16-byte addresses and the nested sub-TLVs', () => {
    const bytes = encodeV2({
      command: 'PROXY',
      family: 'INET6',
      protocol: 'STREAM',
      source: { address: '2001:db8::1', port: 1 },
      destination: { address: '2001:db8::2', port: 2 },
      tlvs: [tlv.ssl({ client: 1, verify: 0, subTlvs: [tlv.sslSub(0x21, 'TLSv1.3')] })],
    });
    expect(shape(annotateProxyBytes(bytes)).slice(4)).toEqual([
      [16, 16, 'source address'],
      [32, 16, 'destination address'],
      [48, 2, 'source port'],
      [50, 2, 'destination port'],
      [52, 1, 'TLV type'],
      [53, 2, 'TLV length'],
      [55, 1, 'SSL client'],
      [56, 4, 'SSL verify'],
      [60, 1, 'SSL sub-TLV type'],
      [61, 2, 'SSL sub-TLV length'],
      [63, 7, 'SSL sub-TLV value (SSL_VERSION)'],
    ]);
  });

  test('a LOCAL header without an address block (as AWS NLB health checks send)', () => {
    const bytes = encodeV2({
      command: 'LOCAL',
      family: 'INET',
      protocol: 'STREAM',
      omitAddresses: true,
      tlvs: [tlv.awsVpcEndpoint('vpce-0123')],
    });
    const fields = annotateProxyBytes(bytes);
    expect(shape(fields).slice(3)).toEqual([
      [14, 2, 'length'],
      [16, 1, 'TLV type'],
      [17, 2, 'TLV length'],
      [19, 10, 'TLV value (AWS)'],
    ]);
    expect(fields[1]!.value).toBe('0x20: version 2, LOCAL');
    expect(fields.at(-1)!.value).toBe('VPC endpoint vpce-0123');
  });

  test('stacked headers are annotated in turn; bytes no header explains are named', () => {
    const second = encodeV1({ family: 'UNSPEC' });
    const bytes = Buffer.concat([v1Header(1), second, Buffer.from('junk')]);
    const fields = annotateProxyBytes(bytes);
    expect(new Set(fields.map((f) => f.header))).toEqual(new Set([0, 1, -1]));
    const stacked = fields.filter((f) => f.header === 1);
    expect(shape(stacked)).toEqual([
      [v1Header(1).length, 6, 'signature'],
      [v1Header(1).length + 6, 7, 'protocol'],
      [v1Header(1).length + 13, 2, 'CRLF'],
    ]);
    expect(fields.at(-1)).toMatchObject({
      label: 'undecoded',
      length: 4,
      value: 'no PROXY signature',
    });
  });
});
