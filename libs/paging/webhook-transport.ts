// One HTTP POST to a vetted address: the connection goes to the address the SSRF guard approved
// (no second DNS lookup an attacker could rebind), while the URL's host stays the Host header and
// TLS server name. Redirects are never followed; the response is read only as far as an excerpt.
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import tls from 'node:tls';
import { histogram } from '@watchfloor/telemetry';

const requestSeconds = histogram('watchfloor_webhook_request_seconds', 'Webhook HTTP call latency by outcome (2xx, 3xx, 4xx, 5xx, error, timeout)', ['outcome'], [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);

function outcomeOf(r: WebhookPostResult): string {
  if (!r.ok) return r.timedOut ? 'timeout' : 'error';
  return r.statusCode >= 200 && r.statusCode < 600 ? `${Math.floor(r.statusCode / 100)}xx` : 'error';
}

export const RESPONSE_EXCERPT_BYTES = 512;

export interface WebhookPost {
  url: string;
  /** The vetted address to connect to (checkWebhookUrl's `address`). */
  address: string;
  family: 4 | 6;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Extra trusted CA certificates (a private PKI; tests). The system roots stay trusted. */
  ca?: string | Buffer;
}

export type WebhookPostResult =
  | { ok: true; statusCode: number; headers: http.IncomingHttpHeaders; excerpt: string; latencyMs: number }
  | { ok: false; error: string; timedOut: boolean; latencyMs: number };

/** At most `max` bytes of UTF-8, never ending in a broken character. */
export function utf8Excerpt(buf: Buffer, max = RESPONSE_EXCERPT_BYTES): string {
  let text = buf.subarray(0, max).toString('utf8');
  while (Buffer.byteLength(text, 'utf8') > max || text.endsWith('\uFFFD')) text = text.slice(0, -1);
  return text;
}

export function postWebhook(req: WebhookPost): Promise<WebhookPostResult> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number((process.hrtime.bigint() - started) / 1_000_000n);
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: WebhookPostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      requestSeconds.observe({ outcome: outcomeOf(r) }, r.latencyMs / 1000);
      resolve(r);
    };
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      done({ ok: false, error: 'invalid URL', timedOut: false, latencyMs: 0 });
      return;
    }
    const secure = url.protocol === 'https:';
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const body = Buffer.from(req.body, 'utf8');
    const options: https.RequestOptions = {
      method: 'POST',
      headers: { 'user-agent': 'Watchfloor-Webhooks/1', ...req.headers, 'content-length': String(body.length) },
      // Pin the connection to the vetted address whatever the host name resolves to now.
      lookup: ((_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) => {
        if (opts && opts.all) cb(null, [{ address: req.address, family: req.family }]);
        else cb(null, req.address, req.family);
      }) as unknown as https.RequestOptions['lookup'],
      agent: false,
    };
    if (secure && isIP(hostname) === 0) options.servername = hostname;
    if (secure && req.ca) options.ca = [...tls.rootCertificates, req.ca.toString()];
    const client = secure ? https : http;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      request.destroy(new Error(`timed out after ${req.timeoutMs} ms`));
    }, req.timeoutMs);
    const request = client.request(url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () =>
        done({ ok: true, statusCode: res.statusCode ?? 0, headers: res.headers, excerpt: utf8Excerpt(Buffer.concat(chunks)), latencyMs: elapsed() });
      res.on('data', (chunk: Buffer) => {
        if (size < RESPONSE_EXCERPT_BYTES) chunks.push(chunk);
        size += chunk.length;
        if (size > 64 * 1024) {
          // Enough: the excerpt is all we keep; do not let a receiver stream forever.
          finish();
          res.destroy();
        }
      });
      res.on('end', finish);
      res.on('error', () => finish());
    });
    request.on('error', (err) => done({ ok: false, error: timedOut ? `timed out after ${req.timeoutMs} ms` : err.message, timedOut, latencyMs: elapsed() }));
    request.end(body);
  });
}
