import { isIP, type Socket } from 'node:net';
import { connect, createSecureContext, type SecureContext } from 'node:tls';
import { CallCredentials, ChannelCredentials } from '@grpc/grpc-js';

type SecureConnector = ReturnType<ChannelCredentials['_createSecureConnector']>;

/** The host of a `host:port` endpoint: an IPv6 address without its brackets. */
function hostOf(endpoint: string): string {
  return endpoint.startsWith('[') ? endpoint.slice(1, endpoint.indexOf(']')) : endpoint.slice(0, endpoint.lastIndexOf(':'));
}

/** The endpoint's IP address when it names its host by one, else undefined. */
export function ipAddressOf(endpoint: string): string | undefined {
  const host = hostOf(endpoint);
  return isIP(host) ? host : undefined;
}

/**
 * TLS to an endpoint named by its IP address, sent with no server name. RFC 6066 (section 3)
 * allows only host names as a TLS server name; grpc-js (1.14) sends the endpoint's host whatever it
 * is, which Node 22 and 24 warn of (DEP0123) and Node 26 refuses, so that no such channel connects
 * there. This connects as Node's https and grpc-go do to an IP: no server name, and the
 * certificate checked against the IP (an IP subjectAltName). It implements grpc-js's connector
 * hook (`_createSecureConnector`, public in its types), so bqread uses it for IP endpoints alone;
 * a host name keeps grpc-js's own TLS.
 */
export class IpAddressTlsCredentials extends ChannelCredentials {
  private readonly secureContext: SecureContext;

  constructor(private readonly ip: string, rootCertsPem: string | undefined) {
    super();
    this.secureContext = createSecureContext(rootCertsPem ? { ca: rootCertsPem } : {});
  }

  _isSecure(): boolean {
    return true;
  }

  _equals(other: ChannelCredentials): boolean {
    return other === this;
  }

  _createSecureConnector(...[, , callCredentials]: Parameters<ChannelCredentials['_createSecureConnector']>): SecureConnector {
    const { ip, secureContext } = this;
    return {
      connect: (socket: Socket) => new Promise((resolve, reject) => {
        // No servername: Node then checks the certificate against `host`, and fails the socket
        // (rejectUnauthorized) before it calls back when the check or the chain fails.
        const tlsSocket = connect({ socket, secureContext, host: ip, ALPNProtocols: ['h2'] }, () => resolve({ socket: tlsSocket, secure: true }));
        tlsSocket.on('error', reject);
      }),
      waitForReady: () => Promise.resolve(),
      getCallCredentials: () => callCredentials ?? CallCredentials.createEmpty(),
      destroy: () => {},
    };
  }
}
