// Every kind a scenario can name, by kind. A new kind of balancer, backend,
// front, client or check is a module of its own, listed here once.
import { z } from 'zod';
import { abortedConnects } from '../checks/aborted-connects.ts';
import { allBackendsServe } from '../checks/all-backends-serve.ts';
import { backendSees } from '../checks/backend-sees.ts';
import { header } from '../checks/header.ts';
import { healthCheckHeader } from '../checks/health-check-header.ts';
import { refused } from '../checks/refused.ts';
import { stalled } from '../checks/stalled.ts';
import { tcpPeer } from '../checks/tcp-peer.ts';
import { userHost } from '../checks/user-host.ts';
import { container } from './backends/container.ts';
import { mariadb } from './backends/mariadb.ts';
import { oracleMysql } from './backends/oracle-mysql.ts';
import { classicElb } from './balancers/classic-elb.ts';
import { nlb } from './balancers/nlb.ts';
import { forger } from './clients/forger.ts';
import { mariadbCli } from './clients/mariadb-cli.ts';
import { harnessClients } from './clients/harness.ts';
import { loadClients } from './clients/load.ts';
import { haproxyFront } from './fronts/haproxy-front.ts';
import { tlsFront } from './fronts/tls-front.ts';

export const BALANCERS = [classicElb, nlb] as const;
export const BACKENDS = [mariadb, oracleMysql, container] as const;
export const FRONTS = [haproxyFront, tlsFront] as const;
export const CLIENTS = [harnessClients, mariadbCli, forger, loadClients] as const;
export const CHECKS = [
  header,
  backendSees,
  userHost,
  refused,
  allBackendsServe,
  abortedConnects,
  healthCheckHeader,
  tcpPeer,
  stalled,
] as const;

/** The module for a kind named in a (validated) scenario. */
export function kindOf<K extends { kind: string }>(list: readonly K[], kind: string): K {
  const found = list.find((k) => k.kind === kind);
  if (!found) throw new Error(`no kind ${kind}`);
  return found;
}

// The options a scenario file may write for each part, one member per kind.
export const BalancerOptions = z.discriminatedUnion('kind', [classicElb.options, nlb.options]);
export const BackendOptions = z.discriminatedUnion('kind', [
  mariadb.options,
  oracleMysql.options,
  container.options,
]);
export const FrontOptions = z.discriminatedUnion('kind', [haproxyFront.options, tlsFront.options]);
export const ClientOptions = z.discriminatedUnion('kind', [
  harnessClients.options,
  mariadbCli.options,
  forger.options,
  loadClients.options,
]);
export const CheckOptions = z.discriminatedUnion('kind', [
  header.options,
  backendSees.options,
  userHost.options,
  refused.options,
  allBackendsServe.options,
  abortedConnects.options,
  healthCheckHeader.options,
  tcpPeer.options,
  stalled.options,
]);
