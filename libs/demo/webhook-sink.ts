// The demo's on-call receiver: a tiny HTTP server that verifies Standard Webhooks signatures and
// prints one readable line per page, so `npm run dev` shows the page arrive (DEMO.md).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyStandardWebhook } from '../paging/standard-webhooks';

export interface ReceivedWebhook {
  id: string | null;
  type: string | null;
  verified: boolean;
  /** Why verification failed (missing_header, no_matching_signature, …); null when verified. */
  reason: string | null;
  /** True for a webhook-id already seen (a retry the receiver must not act on twice). */
  duplicate: boolean;
  body: unknown;
  receivedAt: Date;
}

export interface WebhookSink {
  /** Where to point a STANDARD endpoint (path /hooks/oncall; any path is accepted). */
  url: string;
  received: ReceivedWebhook[];
  close(): Promise<void>;
}

export interface WebhookSinkOptions {
  /** 0 picks a free port. */
  port: number;
  /** The endpoint's 'whsec_…' secret (or several while rotating). */
  secret: string | string[];
  log: (line: string) => void;
  host?: string;
  path?: string;
  now?: () => Date;
}

const MAX_BODY_BYTES = 1024 * 1024;

function describe(type: string | null, body: unknown): string {
  const data = (body as { data?: Record<string, unknown> } | null)?.data ?? {};
  const incident = (data.incident ?? {}) as Record<string, unknown>;
  const parts = [type ?? 'unknown type', String(incident.severity ?? '?'), JSON.stringify(String(incident.title ?? 'untitled'))];
  if (incident.tenantName) parts.push(`(${incident.tenantName})`);
  const page = data.page as { level?: number | null; round?: number | null } | undefined;
  if (page && typeof page.level === 'number') parts.push(`level ${page.level + 1}${page.round ? ` round ${page.round + 1}` : ''}`);
  const sla = data.sla as { clock?: string; dueAt?: string } | undefined;
  if (sla) parts.push(`${sla.clock} clock, due ${sla.dueAt}`);
  return parts.join('  ');
}

/** Start the sink; `close()` stops it. Answers 204 to verified deliveries and 401 to the rest. */
export async function startWebhookSink(options: WebhookSinkOptions): Promise<WebhookSink> {
  const received: ReceivedWebhook[] = [];
  const seen = new Set<string>();
  const now = options.now ?? (() => new Date());
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST' }).end();
        return;
      }
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413).end();
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const check = verifyStandardWebhook(req.headers, raw, options.secret, now());
      let body: unknown = null;
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
      const type = typeof (body as { type?: unknown })?.type === 'string' ? (body as { type: string }).type : null;
      const id = typeof req.headers['webhook-id'] === 'string' ? req.headers['webhook-id'] : null;
      if (!check.ok) {
        received.push({ id, type, verified: false, reason: check.reason, duplicate: false, body, receivedAt: now() });
        options.log(`[on-call sink] WARNING rejected a webhook with a bad signature (${check.reason}: ${check.message})`);
        res.writeHead(401, { 'content-type': 'text/plain' }).end(check.reason);
        return;
      }
      const duplicate = seen.has(check.id);
      seen.add(check.id);
      received.push({ id: check.id, type, verified: true, reason: null, duplicate, body, receivedAt: now() });
      options.log(`[on-call sink] ${duplicate ? '(repeat, already handled) ' : ''}${describe(type, body)}`);
      res.writeHead(204).end();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}${options.path ?? '/hooks/oncall'}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
