// The scenario's topology as inline SVG: clients, the balancer (and a front proxy
// when there is one), the backends, and every path connections took through them.
// Failed paths are dashed and marked ✗, so they differ without colour too.
import type { Evidence } from '../evidence/types.ts';
import { formatEndpoint, normaliseAddress } from '../net/endpoint.ts';
import { backendInstance } from './connection-views.ts';
import { markup, type Html } from './html-text.ts';

const MAX_CLIENTS = 8; // further origins share one node, or the drawing grows unreadable
const MAX_CHARS = 36;
const CHAR = 7; // px per character of 11px monospace, generously
const LINE = 14;
const PAD = 8;
const SLOT = 18;
const GAP_X = 96;
const GAP_Y = 14;
const TOP = 26;

interface Node {
  lines: string[];
  dashed: boolean;
  slots: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Connections that took the same way with the same outcome: drawn as one line. */
interface Path {
  client: Node;
  backend: Node;
  ok: boolean;
  connections: Evidence[];
  /** Its place among the paths leaving its client and reaching its backend. */
  clientSlot: number;
  backendSlot: number;
}

const distinct = (values: (string | null | undefined)[]) => [
  ...new Set(values.filter((v): v is string => Boolean(v))),
];
const listed = (values: string[], none: string) =>
  values.length === 0
    ? none
    : values.length <= 2
      ? values.join(', ')
      : `${values[0]} +${values.length - 1} more`;
const clip = (s: string) => (s.length > MAX_CHARS ? `${s.slice(0, MAX_CHARS - 1)}…` : s);
const node = (lines: string[], dashed = false): Node => ({
  lines,
  dashed,
  slots: 0,
  x: 0,
  y: 0,
  w: 0,
  h: 0,
});
const originKey = (c: Evidence) =>
  c.origin ? normaliseAddress(c.origin.address) : `${c.client} (no TCP)`;

/** One column's nodes in drawing order, and which node a connection goes through. */
interface Column {
  nodes: Node[];
  of: (c: Evidence) => Node;
}

function clientColumn(connections: readonly Evidence[]): Column {
  const keys = distinct(connections.map(originKey));
  const shown = new Set(keys.slice(0, MAX_CLIENTS));
  const keyOf = (c: Evidence) => (shown.has(originKey(c)) ? originKey(c) : 'more');
  const nodes = new Map<string, Node>();
  for (const key of [...shown, ...(keys.length > MAX_CLIENTS ? ['more'] : [])]) {
    const own = connections.filter((c) => keyOf(c) === key);
    const name = key === 'more' ? `${keys.length - MAX_CLIENTS} more origins` : key;
    const count = own.length === 1 ? own[0]!.client : `${own.length} connections`;
    nodes.set(key, node([name, count]));
  }
  return { nodes: [...nodes.values()], of: (c) => nodes.get(keyOf(c))! };
}

function backendColumn(connections: readonly Evidence[]): Column {
  const nodes = new Map<string, Node>();
  for (const name of distinct(connections.map(backendInstance)).sort()) {
    const seen = connections.find((c) => backendInstance(c) === name)?.captured?.connection.dst;
    nodes.set(name, node(['backend', name, ...(seen ? [seen] : [])]));
  }
  const none = node(['backend', 'none reached'], true);
  const reachedNone = connections.some((c) => backendInstance(c) === null);
  return {
    nodes: [...nodes.values(), ...(reachedNone ? [none] : [])],
    of: (c) => nodes.get(backendInstance(c) ?? '') ?? none,
  };
}

/** The balancer with both its addresses: its own on the vpc, and the listener clients dialled. */
function balancerNode(connections: readonly Evidence[]): Node {
  const vpc = distinct(connections.map((c) => c.balancer.address));
  const listeners = distinct(
    connections.map((c) => c.wire?.destination && formatEndpoint(c.wire.destination)),
  );
  return node([
    'balancer',
    // AWS names no ELB node addresses: no address is drawn rather than a made-up one.
    `vpc ${listed(vpc, 'not named by the target')}`,
    `listener ${listed(listeners, 'not observed')}`,
  ]);
}

/** A proxy in front of the balancer: its address, and its listener from the outermost header. */
function frontNode(connections: readonly Evidence[]): Node | null {
  const fronts = distinct(connections.map((c) => c.balancer.front));
  if (fronts.length === 0) return null;
  const listeners = distinct(
    connections.map((c) => {
      const outer = c.wire && c.wire.stack.length > 1 ? c.wire.stack.at(-1)!.destination : null;
      return outer && formatEndpoint(outer);
    }),
  );
  return node(['front proxy', listed(fronts, ''), `listener ${listed(listeners, 'not observed')}`]);
}

function paths(connections: readonly Evidence[], clients: Column, backends: Column): Path[] {
  const byWay = new Map<string, Path>();
  for (const c of connections) {
    const [client, backend, ok] = [clients.of(c), backends.of(c), c.verdict.ok];
    const key = `${clients.nodes.indexOf(client)}|${backends.nodes.indexOf(backend)}|${ok}`;
    const path = byWay.get(key) ?? {
      client,
      backend,
      ok,
      connections: [],
      clientSlot: 0,
      backendSlot: 0,
    };
    path.connections.push(c);
    byWay.set(key, path);
  }
  // Grouped by client, then backend, so lines cross as little as they can.
  const order = (p: Path) => [
    clients.nodes.indexOf(p.client),
    backends.nodes.indexOf(p.backend),
    p.ok ? 0 : 1,
  ];
  const sorted = [...byWay.values()].sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
  });
  for (const p of sorted) {
    p.clientSlot = p.client.slots++;
    p.backendSlot = p.backend.slots++;
  }
  return sorted;
}

/** Sizes each column's nodes, stacks them and centres the columns on one another. */
function layout(columns: Node[][]): { width: number; height: number } {
  let x = 4;
  const heights = columns.map((column) => {
    const chars = Math.max(...column.flatMap((n) => n.lines.map((l) => clip(l).length)));
    let y = 0;
    for (const n of column) {
      n.w = chars * CHAR + 2 * PAD;
      n.h = Math.max(n.lines.length * LINE, n.slots * SLOT) + 2 * PAD;
      [n.x, n.y] = [x, y];
      y += n.h + GAP_Y;
    }
    x += column[0]!.w + GAP_X;
    return y - GAP_Y;
  });
  const height = Math.max(...heights);
  columns.forEach((column, i) => {
    for (const n of column) n.y += TOP + (height - heights[i]!) / 2;
  });
  return { width: x - GAP_X + 4, height: height + TOP + 4 };
}

const slotY = (n: Node, i: number) => n.y + PAD + ((n.h - 2 * PAD) * (i + 0.5)) / n.slots;

function drawNode(n: Node): Html {
  const lines = n.lines.map((l, i) => {
    const name = i === 0 ? markup` class="name"` : '';
    return markup`<text x="${n.x + PAD}" y="${n.y + PAD + 11 + i * LINE}"${name}>${clip(l)}</text>`;
  });
  const box = markup`<rect x="${n.x}" y="${n.y}" width="${n.w}" height="${n.h}" rx="4"/>`;
  return markup`<g class="node${n.dashed ? ' dashed' : ''}"><title>${n.lines.join(' · ')}</title>${box}${lines}</g>\n`;
}

function drawPath(p: Path, index: number, middle: Node[]): Html {
  const points: [number, number][] = [[p.client.x + p.client.w, slotY(p.client, p.clientSlot)]];
  for (const m of middle) points.push([m.x, slotY(m, index)], [m.x + m.w, slotY(m, index)]);
  const end: [number, number] = [p.backend.x, slotY(p.backend, p.backendSlot)];
  points.push(end);
  const status = p.ok ? 'passed' : 'failed';
  const names = [p.client.lines[0], ...middle.map((m) => m.lines[0]), p.backend.lines[1]];
  const via = names.join(' → ');
  const title = `${p.connections.map((c) => c.client).join(', ')}: ${via}: ${status}`;
  const line = points.map(([x, y]) => `${x},${y.toFixed(1)}`).join(' ');
  const label = `${p.ok ? '✓' : '✗'} ${p.connections.length}`;
  const at = markup`x="${end[0] - 6}" y="${(end[1] - 4).toFixed(1)}"`;
  return markup`<g class="path ${status}"><title>${title}</title><polyline points="${line}"/><text ${at} text-anchor="end">${label}</text></g>\n`;
}

/** The drawing, or nothing when the scenario made no connections. */
export function renderTopology(connections: readonly Evidence[]): Html {
  if (connections.length === 0) return markup``;
  const clients = clientColumn(connections);
  const backends = backendColumn(connections);
  const all = paths(connections, clients, backends);
  const front = frontNode(connections);
  const middle = [...(front ? [front] : []), balancerNode(connections)];
  for (const m of middle) m.slots = all.length;
  const columns = [clients.nodes, ...middle.map((m) => [m]), backends.nodes];
  const { width, height } = layout(columns);
  const headings = ['clients', ...(front ? ['front proxy'] : []), 'balancer', 'backends'];
  const failed = connections.filter((c) => !c.verdict.ok).length;
  const summary = `${connections.length} connection(s) from ${distinct(connections.map(originKey)).length} origin(s) through the balancer to ${distinct(connections.map(backendInstance)).length} backend(s); ${failed} failed`;
  const heading = (h: string, i: number) =>
    markup`<text class="heading" x="${columns[i]![0]!.x}" y="14">${h}</text>`;
  return markup`<figure class="topology">
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${summary}">
${headings.map(heading)}
${all.map((p, i) => drawPath(p, i, middle))}${columns.flat().map(drawNode)}</svg>
<figcaption>${summary}. Solid line ✓: connections that passed; dashed line ✗: connections that failed; the number counts them. Hover over a line for its clients.</figcaption>
</figure>`;
}
