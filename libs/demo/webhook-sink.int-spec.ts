import crypto from 'node:crypto';
import { startWebhookSink, type WebhookSink } from './webhook-sink';

const SECRET = 'whsec_' + Buffer.alloc(32, 7).toString('base64');

/** Signs like a Standard Webhooks sender, written here from the spec. */
function signed(body: string, secret = SECRET, id = 'msg_test1') {
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = crypto.createHmac('sha256', Buffer.from(secret.slice(6), 'base64')).update(`${id}.${ts}.${body}`).digest('base64');
  return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': `v1,${sig}` };
}

describe('demo webhook sink', () => {
  let sink: WebhookSink;
  const lines: string[] = [];
  beforeAll(async () => {
    sink = await startWebhookSink({ port: 0, secret: SECRET, log: (l) => lines.push(l) });
  });
  afterAll(() => sink.close());

  const body = JSON.stringify({
    type: 'incident.triggered',
    timestamp: new Date().toISOString(),
    data: { incident: { title: 'Modbus write to pump PLC', severity: 'CRITICAL', tenantName: 'Riverside Water' }, page: { action: 'trigger', level: 0, round: 0 } },
  });

  it('prints one line per verified delivery and flags a repeat of the same webhook-id', async () => {
    expect((await fetch(sink.url, { method: 'POST', headers: signed(body), body })).status).toBe(204);
    expect((await fetch(sink.url, { method: 'POST', headers: signed(body), body })).status).toBe(204);
    expect(lines.slice(-2)).toEqual([
      '[on-call sink] incident.triggered  CRITICAL  "Modbus write to pump PLC"  (Riverside Water)  level 1',
      '[on-call sink] (repeat, already handled) incident.triggered  CRITICAL  "Modbus write to pump PLC"  (Riverside Water)  level 1',
    ]);
    expect(sink.received.slice(-2).map((r) => [r.verified, r.duplicate])).toEqual([
      [true, false],
      [true, true],
    ]);
  });

  it('rejects a wrong signature and a tampered body with a warning', async () => {
    const other = 'whsec_' + Buffer.alloc(32, 9).toString('base64');
    expect((await fetch(sink.url, { method: 'POST', headers: signed(body, other, 'msg_x'), body })).status).toBe(401);
    expect((await fetch(sink.url, { method: 'POST', headers: signed(body, SECRET, 'msg_y'), body: body.replace('CRITICAL', 'LOW') })).status).toBe(401);
    expect(lines.slice(-2).every((l) => l.startsWith('[on-call sink] WARNING') && l.includes('no_matching_signature'))).toBe(true);
    expect(sink.received.slice(-2).map((r) => r.verified)).toEqual([false, false]);
  });
});
