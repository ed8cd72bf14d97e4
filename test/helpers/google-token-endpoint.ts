import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { selfSignedCert } from './tls.js';

/** Where google-auth-library 10 posts service-account assertions, whatever a key file's token_uri says. */
export const GOOGLE_TOKEN_HOST = 'oauth2.googleapis.com';
export const GOOGLE_TOKEN_URL = `https://${GOOGLE_TOKEN_HOST}/token`;
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const BIGQUERY_SCOPE = 'https://www.googleapis.com/auth/bigquery';

export interface IssuedToken {
  readonly token: string;
  readonly issuedAtMs: number;
  readonly expiresAtMs: number;
}

export interface TokenEndpointOptions {
  /** The service accounts it knows: client_email -> public key (PEM). */
  readonly accounts: ReadonlyMap<string, string>;
  /** Lifetime of the access tokens it issues. */
  readonly expiresInSeconds: number;
}

/**
 * An OAuth 2.0 token endpoint for service-account JWT assertions, as Google's behaves: it checks
 * the RS256 signature against the account's public key, the audience, the expiry and that the
 * BigQuery scope was asked for, then issues a short-lived opaque bearer token (or refuses with
 * invalid_grant / invalid_client).
 *
 * It listens on 127.0.0.1 as a plain HTTP server (the key file's token_uri) which is also an HTTP
 * proxy: a CONNECT to oauth2.googleapis.com:443 is answered by this endpoint under a throwaway
 * certificate for that name, so a process started with HTTPS_PROXY and NODE_EXTRA_CA_CERTS
 * (`childEnv`) gets its tokens here through google-auth-library's unchanged code. CONNECTs to any
 * other host are refused: nothing leaves loopback.
 */
export class GoogleTokenEndpoint {
  /** Token requests answered, and how many of them came through the CONNECT tunnel. */
  requests = 0;
  tunnelledRequests = 0;
  refused = 0;
  readonly issued: IssuedToken[] = [];
  /** Every JWT assertion received: secrets a client must never print either. */
  readonly assertions: string[] = [];
  readonly caPem: string;
  private readonly keys: Map<string, KeyObject>;
  private readonly proxy: http.Server;
  private readonly tls: https.Server;
  private readonly sockets = new Set<net.Socket>();

  private constructor(private readonly options: TokenEndpointOptions) {
    this.keys = new Map([...options.accounts].map(([email, pem]) => [email, createPublicKey(pem)]));
    const pair = selfSignedCert(`DNS:${GOOGLE_TOKEN_HOST}`);
    this.caPem = pair.cert;
    this.tls = https.createServer({ key: pair.key, cert: pair.cert }, (req, res) => this.handle(req, res, true));
    this.proxy = http.createServer((req, res) => this.handle(req, res, false));
    this.proxy.on('connection', (socket: net.Socket) => this.track(socket));
    this.proxy.on('connect', (req: http.IncomingMessage, socket: net.Socket) => {
      if (req.url !== `${GOOGLE_TOKEN_HOST}:443`) {
        socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
        return;
      }
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      this.tls.emit('connection', socket);
    });
  }

  static async start(options: TokenEndpointOptions): Promise<GoogleTokenEndpoint> {
    const endpoint = new GoogleTokenEndpoint(options);
    await new Promise<void>((resolve) => endpoint.proxy.listen(0, '127.0.0.1', resolve));
    return endpoint;
  }

  /** `http://127.0.0.1:PORT`: the token_uri, and the HTTPS proxy. */
  get url(): string {
    const { port } = this.proxy.address() as net.AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Disables an account's key: its later assertions are refused as an unknown client's. */
  revoke(clientEmail: string): void {
    this.keys.delete(clientEmail);
  }

  /** Whether `token` was issued here and has not expired: what the emulator's requireToken asks. */
  accepts(token: string, nowMs = Date.now()): boolean {
    const issued = this.issued.find((t) => t.token === token);
    return issued !== undefined && nowMs < issued.expiresAtMs;
  }

  /**
   * Environment for a child process whose google-auth-library should reach this endpoint. Only the
   * upper-case HTTPS_PROXY, which gaxios reads and grpc-js does not (it reads the lower-case
   * names), so gRPC still goes straight to the emulator. `caFile` holds `caPem`.
   */
  childEnv(caFile: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    const env = { ...base };
    for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'grpc_proxy', 'NO_PROXY', 'no_proxy']) delete env[name];
    return { ...env, HTTPS_PROXY: this.url, NODE_EXTRA_CA_CERTS: caFile };
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.proxy.close(() => resolve()));
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, tunnelled: boolean): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.requests++;
      if (tunnelled) this.tunnelledRequests++;
      const reply = req.method === 'POST' && req.url === '/token'
        ? this.grant(new URLSearchParams(Buffer.concat(chunks).toString('utf8')))
        : { status: 404, body: { error: 'not_found' } };
      if (reply.status !== 200) this.refused++;
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
    });
  }

  private grant(form: URLSearchParams): { status: number; body: Record<string, unknown> } {
    const invalidGrant = (description: string) => ({ status: 400, body: { error: 'invalid_grant', error_description: description } });
    if (form.get('grant_type') !== JWT_BEARER_GRANT) {
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'Invalid grant_type.' } };
    }
    const assertion = form.get('assertion') ?? '';
    this.assertions.push(assertion);
    const [header, payload, signature] = assertion.split('.');
    if (!header || !payload || !signature) return invalidGrant('Invalid JWT: malformed.');
    let claims: Record<string, unknown>;
    try {
      const alg = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string }).alg;
      if (alg !== 'RS256') return invalidGrant('Invalid JWT: unsupported algorithm.');
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return invalidGrant('Invalid JWT: malformed.');
    }
    const key = this.keys.get(String(claims.iss));
    if (!key) return { status: 401, body: { error: 'invalid_client', error_description: 'The OAuth client was not found.' } };
    if (!verify('sha256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'))) {
      return invalidGrant('Invalid JWT Signature.');
    }
    const nowS = Date.now() / 1000;
    if (claims.aud !== GOOGLE_TOKEN_URL) return invalidGrant('Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.');
    if (!(Number(claims.exp) > nowS && Number(claims.iat) <= nowS + 60)) {
      return invalidGrant('Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.');
    }
    if (!(typeof claims.scope === 'string' ? claims.scope.split(' ') : []).includes(BIGQUERY_SCOPE)) {
      return { status: 400, body: { error: 'invalid_scope', error_description: 'The BigQuery scope was not requested.' } };
    }
    const issuedAtMs = Date.now();
    const token = `ya29.test-${randomBytes(24).toString('base64url')}`;
    this.issued.push({ token, issuedAtMs, expiresAtMs: issuedAtMs + this.options.expiresInSeconds * 1000 });
    return { status: 200, body: { access_token: token, expires_in: this.options.expiresInSeconds, token_type: 'Bearer' } };
  }
}
