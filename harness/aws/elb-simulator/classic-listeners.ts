// A Classic load balancer's listeners: each one as the API reference's
// Listener type allows it, and a set of them as CreateLoadBalancer and
// CreateLoadBalancerListeners accept it. Pure.
import { AwsError, missing } from './aws-error.ts';
import { portParam } from './query-xml.ts';

const LISTENER_PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'SSL'] as const;
export type ListenerProtocol = (typeof LISTENER_PROTOCOLS)[number];

export interface Listener {
  Protocol: ListenerProtocol;
  LoadBalancerPort: number;
  InstanceProtocol: ListenerProtocol;
  InstancePort: number;
  /** HTTPS and SSL listeners' certificate (an IAM or ACM ARN). */
  SSLCertificateId?: string;
}

/** A listener as a request gives it (`Listeners.member.N.*`): text, any field may be missing. */
export type ListenerRequest = Partial<Record<keyof Listener, string | undefined>>;

const SECURE: readonly ListenerProtocol[] = ['HTTPS', 'SSL'];
/** The layer each protocol works at: a listener's two sides must be at the same one. */
const LAYER: Record<ListenerProtocol, 4 | 7> = { TCP: 4, SSL: 4, HTTP: 7, HTTPS: 7 };

/** An IAM server certificate's or an ACM certificate's ARN. */
const CERTIFICATE_ARN =
  /^arn:aws[\w-]*:(iam::\d{12}:server-certificate\/.+|acm:[\w-]+:\d{12}:certificate\/.+)$/;

const invalid = (message: string) => new AwsError('InvalidConfigurationRequest', message);

/** A protocol in any case, as AWS takes it; UnsupportedProtocol for anything but the four. */
function protocol(text: string): ListenerProtocol {
  const upper = text.toUpperCase();
  const found = LISTENER_PROTOCOLS.find((p) => p === upper);
  if (!found)
    throw new AwsError(
      'UnsupportedProtocol',
      `Protocol '${text}' is not supported: use one of ${LISTENER_PROTOCOLS.join(', ')}`,
    );
  return found;
}

/** The `index`th (from 1) listener of a request, checked on its own. */
export function parseListener(l: ListenerRequest, index: number): Listener {
  const at = (field: string) => `listeners.${index}.member.${field}`;
  const given = (field: keyof Listener, member: string) => {
    const v = l[field];
    if (v === undefined) throw missing(at(member));
    return v;
  };
  const front = protocol(given('Protocol', 'protocol'));
  // AWS's default for the instance side is not documented; the front's protocol is the guess.
  const back = l.InstanceProtocol === undefined ? front : protocol(l.InstanceProtocol);
  const listener: Listener = {
    Protocol: front,
    // A VPC balancer listens on any port (EC2-Classic's narrower set is retired with it).
    LoadBalancerPort: portParam(
      given('LoadBalancerPort', 'loadBalancerPort'),
      at('loadBalancerPort'),
    ),
    InstanceProtocol: back,
    InstancePort: portParam(given('InstancePort', 'instancePort'), at('instancePort')),
    ...(l.SSLCertificateId === undefined ? {} : { SSLCertificateId: l.SSLCertificateId }),
  };
  if (LAYER[front] !== LAYER[back])
    throw invalid(
      `Listener on port ${listener.LoadBalancerPort}: instance protocol ${back} does not go with protocol ${front}`,
    );
  if (SECURE.includes(front)) {
    if (l.SSLCertificateId === undefined)
      throw new AwsError('ValidationError', 'Secure Listeners need to specify a SSLCertificateId');
    if (!CERTIFICATE_ARN.test(l.SSLCertificateId))
      throw new AwsError(
        'CertificateNotFound',
        `${l.SSLCertificateId} does not refer to a valid SSL certificate in IAM or ACM`,
      );
  }
  return listener;
}

const same = (a: Listener, b: Listener) =>
  a.Protocol === b.Protocol &&
  a.InstanceProtocol === b.InstanceProtocol &&
  a.InstancePort === b.InstancePort &&
  a.SSLCertificateId === b.SSLCertificateId;

/**
 * `existing` with `added` on `lbName`: a listener equal to one already on its
 * port changes nothing; another on a taken port is DuplicateListener. Listeners
 * to one instance port are all secure on that side, or none is (the API
 * reference's Listener rule).
 */
export function withListeners(lbName: string, existing: Listener[], added: Listener[]): Listener[] {
  const all = [...existing];
  for (const l of added) {
    const taken = all.find((o) => o.LoadBalancerPort === l.LoadBalancerPort);
    if (taken && !same(taken, l))
      throw new AwsError(
        'DuplicateListener',
        `A listener already exists for ${lbName} with LoadBalancerPort ${l.LoadBalancerPort}, but with a different InstancePort, Protocol, or SSLCertificateId`,
      );
    const secure = SECURE.includes(l.InstanceProtocol);
    const other = all.find(
      (o) => o.InstancePort === l.InstancePort && SECURE.includes(o.InstanceProtocol) !== secure,
    );
    if (other)
      throw invalid(
        `Instance port ${l.InstancePort} is already reached by ${other.InstanceProtocol}: its listeners' instance protocols must all be secure (HTTPS, SSL) or all not`,
      );
    if (!taken) all.push(l);
  }
  return all;
}
