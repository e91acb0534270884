// The NLB's data plane beside its HAProxy: the relay program (harness/data-plane/)
// in a client-image container sharing the balancer's network namespace, on the
// listener port, in front of HAProxy's loopback frontend.
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import type { DataPlaneSettings } from '../../data-plane/session/settings.ts';
import type { BalancerSpec } from '../../topology/haproxy-config.ts';
import { programBundle } from '../../topology/program-bundle.ts';
import type { LocalStage } from '../types.ts';

const PROGRAM = '/proxyproof-nlb-data-plane.cjs';
const SETTINGS = '/etc/proxyproof-nlb-data-plane.json';

/** What an NLB target group's attributes tell the data plane, from the balancer's spec. */
function dataPlaneSettings(spec: BalancerSpec, dataPlane: DataPlaneSpec): DataPlaneSettings {
  return {
    proxyProtocol: spec.proxyProtocol === 'v2',
    headerPlacement: dataPlane.headerPlacement,
    tlvs: spec.v2Options ?? [],
    acceptProxy: spec.acceptProxy === true,
  };
}

type DataPlaneSpec = NonNullable<BalancerSpec['dataPlane']>;

export interface StartedDataPlane {
  /** `spec`'s settings for the connections accepted from now on (established ones keep theirs). */
  configure(spec: BalancerSpec): Promise<void>;
}

/**
 * Starts the data plane in `balancerId`'s namespace as `spec` asks, ready once
 * it listens; null when the spec asks for none (HAProxy then writes the headers).
 */
export async function startDataPlane(
  stage: LocalStage,
  balancerId: string,
  spec: BalancerSpec,
): Promise<StartedDataPlane | null> {
  const dataPlane = spec.dataPlane;
  if (!dataPlane) return null;
  const settings = dataPlaneSettings(spec, dataPlane);
  const started: StartedTestContainer = await new GenericContainer(stage.images.client)
    .withName(`${stage.prefix}-nlb-data-plane`)
    .withLabels(stage.labels)
    .withNetworkMode(`container:${balancerId}`)
    .withCopyContentToContainer([
      { content: await programBundle('nlbDataPlane'), target: PROGRAM },
      { content: JSON.stringify(settings), target: SETTINGS },
    ])
    .withCommand([
      'node',
      PROGRAM,
      '--listen',
      String(spec.listenerPort),
      '--upstream',
      `127.0.0.1:${dataPlane.upstreamPort}`,
      '--settings',
      SETTINGS,
    ])
    .withWaitStrategy(Wait.forLogMessage(/"event":"ready"/))
    .withStartupTimeout(60_000)
    .start();
  stage.track(started.getId(), 'nlb-data-plane');
  let current = JSON.stringify(settings);
  return {
    async configure(next) {
      const text = JSON.stringify(dataPlaneSettings(next, dataPlane));
      if (text === current) return;
      // Written aside and renamed, so a connection never reads half a file.
      await started.copyContentToContainer([{ content: text, target: `${SETTINGS}.new` }]);
      const moved = await started.exec(['mv', `${SETTINGS}.new`, SETTINGS]);
      if (moved.exitCode !== 0)
        throw new Error(`the NLB data plane's settings could not be replaced: ${moved.output}`);
      current = text;
    },
  };
}
