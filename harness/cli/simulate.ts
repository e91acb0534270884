import { classicElbApi } from '../aws/elb-simulator/classic-api.ts';
import { ensurePortFree, startQueryApi } from '../aws/elb-simulator/server.ts';
import { elbV2Api } from '../aws/elb-simulator/v2-api.ts';
import { HarnessDefect, SetupError } from '../errors.ts';
import { onInterrupt } from '../lifecycle/signals.ts';
import { Interrupted, Steps } from '../lifecycle/steps.ts';
import { EXIT } from '../exit-codes.ts';
import { Teardown } from '../lifecycle/teardown.ts';
import { newRunId } from '../run/run-all.ts';
import { sweepRun } from '../topology/docker.ts';
import { ensureImages } from '../topology/images.ts';
import { CLIENT_CREDENTIALS } from '../components/backends/mysql-family.ts';
import { ScenarioSchema } from '../scenario/schema.ts';
import { local } from '../targets/local.ts';
import { BALANCER_KINDS, simulatedBalancer, type BalancerKind } from './simulated-balancers.ts';

const REGION = 'ap-northeast-1';
const MYSQL_PORT = 3306;

/**
 * `proxyproof simulate`: the blog's setup, locally. One balancer (a Classic
 * ELB "proxy-protocol" or an NLB "proxyproof-nlb", TCP 3306 → 3306) in front
 * of two MariaDB instances, with the ELB APIs (Classic and v2) on loopback;
 * PROXY settings made through them reconfigure HAProxy. Runs until
 * SIGINT/SIGTERM, then removes everything: 0 when stopped once ready, 130 when
 * interrupted while starting, 2 when the API port is taken (checked first).
 */
export async function simulate(options: { port: string; kind: string }): Promise<number> {
  const apiPort = Number(options.port);
  if (!Number.isInteger(apiPort) || apiPort < 0 || apiPort > 65535)
    throw new SetupError(`--port must be 0-65535, not ${options.port}`);
  const kind = options.kind as BalancerKind;
  if (!BALANCER_KINDS.includes(kind))
    throw new SetupError(`--kind must be ${BALANCER_KINDS.join(' or ')}, not ${options.kind}`);
  await ensurePortFree(apiPort);
  const runId = newRunId();
  const teardown = new Teardown();
  const controller = new AbortController();
  const stopped = new Promise<void>((resolve) =>
    onInterrupt(
      () => {
        process.stderr.write('stopping: removing everything the simulation started\n');
        // While still starting, the next step is not taken.
        controller.abort();
        resolve();
      },
      () => {
        process.stderr.write(
          'forced exit: containers may remain; remove them with: npx proxyproof clean\n',
        );
        process.exit(130);
      },
    ),
  );
  const progress = (step: string, millis?: number) => {
    if (millis !== undefined) process.stderr.write(`  ${step} ${(millis / 1000).toFixed(1)}s\n`);
  };
  try {
    const images = await ensureImages((tag) => process.stderr.write(`building image ${tag}\n`));
    // The blog's setup as a scenario's stage: the same components a run starts.
    const blog = ScenarioSchema.parse({
      id: 'simulate',
      title: "the blog's setup",
      balancer: { kind, listenerPort: MYSQL_PORT, instancePort: MYSQL_PORT, proxyProtocol: false },
      backends: { kind: 'mariadb', count: 2 },
      clients: [{ kind: 'harness', count: 1 }],
      checks: [{ kind: 'backend-sees', who: 'client' }],
    });
    const stage = await local.start(
      blog,
      {
        runId,
        images,
        runDir: '',
        reportsDir: '',
        signal: controller.signal,
        origin: performance.now(),
        announce: () => undefined,
        warn: () => undefined,
        // A person's own client on the host reaches it there, on any platform.
        publishListener: true,
      },
      teardown,
      new Steps(controller.signal, progress),
    );
    const haproxy = stage.balancer.standIn;
    if (!haproxy) throw new HarnessDefect('a local balancer without its HAProxy');
    const published = haproxy.published;
    if (!published) throw new HarnessDefect('the simulated balancer was not published');
    const topology = {
      listener: stage.balancer.listener,
      balancerVpcAddress: stage.balancer.vpcAddress,
    };
    const balancer = simulatedBalancer(kind, haproxy, REGION, MYSQL_PORT);
    const { server, endpoint } = await startQueryApi(
      [classicElbApi(balancer.classic), elbV2Api(balancer.v2)],
      apiPort,
    );
    teardown.defer('stop the ELB APIs', () => new Promise((resolve) => server.close(resolve)));

    const ready = {
      endpoint,
      region: REGION,
      ...balancer.ids,
      listener: { host: topology.listener.address, port: topology.listener.port },
      published: { host: published.address, port: published.port },
      balancerVpcAddress: topology.balancerVpcAddress,
      mysql: CLIENT_CREDENTIALS,
    };
    process.stdout.write(`${JSON.stringify(ready)}\n`);
    process.stdout.write(
      [
        '',
        ...balancer.commands(endpoint),
        `Then ask MariaDB who it sees, through the listener published on this host's loopback (any platform):`,
        `  mariadb -h ${published.address} -P ${published.port} -u ${CLIENT_CREDENTIALS.user} -p${CLIENT_CREDENTIALS.password} -e 'SELECT USER()'`,
        `(or, where the container networks are reachable, -h ${topology.listener.address} -P ${MYSQL_PORT}).`,
        `Before ${balancer.switch} it shows the balancer, ${topology.balancerVpcAddress}; after it, where your connection came from as the balancer saw it. Ctrl-C stops and removes everything.`,
        '',
      ].join('\n'),
    );
    await stopped;
    // Ctrl-C is how a simulation ends once it is up: a clean stop, not an interruption.
    return EXIT.passed;
  } catch (e) {
    if (e instanceof Interrupted) return EXIT.interrupted;
    throw e;
  } finally {
    await teardown.run();
    await sweepRun(runId);
  }
}
