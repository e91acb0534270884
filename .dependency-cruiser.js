// The layering of harness/, checked by `npm run lint` (docs/ARCHITECTURE.md, "Layers").
//
// Bottom to top; a module imports only its own layer or lower ones. Type-only
// imports count: a type belongs to the lowest layer that needs it.
//   1 domain          pure: codec, capture reading, evidence, checks, report, the NLB data
//                     plane's session (what bytes go where), small helpers
//   2 infrastructure  Docker, AWS SDK and simulator, probes, lifecycle, folders, the NLB data
//                     plane's sockets and program; server
//                     (proxyproof/server, bundled for users: the codec and node:net only)
//   3 components      balancers, backends, clients, fronts (kinds.ts, types.ts)
//   4 pipeline        targets, scenario schema and loader, run
//   5 cli             commander commands
//
// test/unit/layering.test.ts runs these rules on a fixture that breaks them.

/** The layers, bottom first: each a list of path patterns (relative to the repository). */
export const layers = {
  domain: [
    '^harness/(net|proxy-protocol|evidence|checks|report|types)/',
    '^harness/data-plane/session/',
    '^harness/capture/(?!sidecar[.]ts$)',
    '^harness/(errors|exit-codes|xml|age|step-timing)[.]ts$',
  ],
  infrastructure: [
    '^harness/(topology|aws|probes|lifecycle|server)/',
    '^harness/data-plane/(?!session/)',
    '^harness/capture/sidecar[.]ts$',
    '^harness/folders[.]ts$',
  ],
  components: ['^harness/components/'],
  pipeline: ['^harness/(targets|scenario|run)/'],
  cli: ['^harness/cli/'],
};

const order = Object.keys(layers);
const everyLayer = Object.values(layers).flat();

/** One rule per layer: nothing in it imports a layer above it. */
const upward = order.slice(0, -1).map((name, i) => ({
  name: `no-upward-import-from-${name}`,
  comment: `${name} imports only its own layer or lower ones (${order.slice(0, i + 1).join(', ')})`,
  severity: 'error',
  from: { path: layers[name] },
  to: { path: order.slice(i + 1).flatMap((above) => layers[above]) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no import cycle in harness/, type-only imports included',
      severity: 'error',
      from: { path: '^harness/' },
      to: { circular: true },
    },
    ...upward,
    {
      name: 'harness-module-in-a-layer',
      comment: 'every harness module belongs to a layer (add a new folder to `layers`)',
      severity: 'error',
      from: { path: '^harness/', pathNot: everyLayer },
      to: {},
    },
    {
      name: 'harness-module-in-a-layer-imported',
      comment: 'every harness module belongs to a layer (add a new folder to `layers`)',
      severity: 'error',
      from: {},
      to: { path: '^harness/', pathNot: everyLayer },
    },
    {
      name: 'domain-is-pure',
      comment: 'the domain layer runs no containers and talks to no network, AWS or database',
      severity: 'error',
      from: { path: layers.domain },
      to: {
        path: [
          '(^|/)node_modules/(@aws-sdk/[^/]+|@smithy/[^/]+|testcontainers|execa|mysql2|dockerode|docker-modem)/',
          '^(node:)?(http|https|http2|tls|dgram|dns|child_process)$',
        ],
      },
    },
    {
      name: 'server-only-codec-and-node-net',
      comment:
        'harness/server is shipped alone as proxyproof/server (dist/proxyproof-server.js): ' +
        'it imports only the pure codec (harness/proxy-protocol, harness/net) and node:net/stream',
      severity: 'error',
      from: { path: '^harness/server/' },
      to: {
        pathNot: ['^harness/(server|proxy-protocol|net)/', '^(node:)?(net|stream)$'],
      },
    },
    {
      name: 'harness-not-to-test-or-bench',
      comment: 'the harness does not depend on its tests or benchmarks',
      severity: 'error',
      from: { path: '^harness/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'scenarios-only-scenario-api',
      comment:
        "a scenario file imports only the scenario API ('proxyproof': harness/scenario/api.ts)",
      severity: 'error',
      // The scenario files themselves; the examples' applications are not scenarios.
      from: { path: '^(scenarios|examples)/[^/]+[.]ts$' },
      to: { pathNot: '^(harness/scenario/api[.]ts|dist/types/scenario/api[.]d[.]ts)$' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that does not resolve cannot be checked',
      severity: 'error',
      from: { path: '^(harness/|scenarios/|examples/[^/]+[.]ts$)' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: '(^|/)node_modules/' },
    // Read imports from the TypeScript source, so `import type` counts too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
