import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestIngest, type TestIngest } from '../apps/ingest/ingest-test-app';
import { parseReplayArgs, readSensorFile, recordTime, replayFiles, shiftToNow } from './replay';

const corpora = path.resolve(__dirname, '..', '../shared/corpora');
const eveArray = path.join(corpora, 'suricata/suricata-sample-data/samples/wrccdc-2018/alerts-only.json');
const zeekModbus = path.join(corpora, 'zeek/brimdata-zed-sample-data/zeek-json/modbus.json.gz');

describe('replay helpers', () => {
  it('reads pretty-printed EVE arrays and gzipped Zeek JSON', () => {
    const eve = readSensorFile(eveArray);
    expect(eve.length).toBeGreaterThan(100);
    expect(eve.every((r) => r.kind === 'json')).toBe(true);
    const zeek = readSensorFile(zeekModbus);
    expect(zeek.length).toBeGreaterThan(10);
    expect(recordTime(zeek[0])).toBeGreaterThan(Date.parse('2018-01-01'));
  });

  it('shifts so the newest record lands at now, keeping spacing, per format', () => {
    const now = new Date('2026-11-25T12:00:00Z');
    const records = [
      { kind: 'json' as const, value: { event_type: 'alert', timestamp: '2018-03-24T14:37:19.037-06:00' } },
      { kind: 'json' as const, value: { _path: 'conn', ts: Date.parse('2018-03-24T20:37:09.037Z') / 1000 } },
      { kind: 'json' as const, value: { class_uid: 4001, time: Date.parse('2018-03-24T20:36:19.037Z') } },
      { kind: 'text' as const, line: `CEF:0|V|P|1|1|n|5|rt=${Date.parse('2018-03-24T20:37:18.037Z')} src=10.0.0.1` },
    ];
    const shifted = shiftToNow(records, now);
    expect(shifted.map(recordTime)).toEqual([now.getTime(), now.getTime() - 10000, now.getTime() - 60000, now.getTime() - 1000]);
    expect((records[0] as { value: { timestamp: string } }).value.timestamp).toBe('2018-03-24T14:37:19.037-06:00'); // input untouched
  });

  it('parses its command line', () => {
    const o = parseReplayArgs(['--rate', '500', '--shift-to-now', '--batch', '200', 'a.json', 'b.log'], { WATCHFLOOR_SENSOR_KEY: 'wfk_x' });
    expect(o).toMatchObject({ rate: 500, shiftToNow: true, batch: 200, files: ['a.json', 'b.log'], key: 'wfk_x', url: 'http://127.0.0.1:3001' });
    expect(() => parseReplayArgs(['--rate', 'fast'])).toThrow(/--rate/);
    expect(() => parseReplayArgs(['--bogus'])).toThrow(/unknown option --bogus/);
  });
});

describe('replayFiles against the ingest app', () => {
  let k: TestIngest;
  beforeAll(async () => {
    k = await startTestIngest();
  });
  afterAll(() => k.close());

  it('sends EVE, Zeek and CEF files in batches, shifted to now, and totals the answers', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-replay-'));
    const cef = path.join(dir, 'fw.log');
    fs.writeFileSync(cef, `CEF:0|Fortinet|FortiGate|7.2|13|deny|5|src=10.10.0.1 dst=10.30.0.11 dpt=502 rt=1521923839000\nnot a cef line\n`);
    const now = new Date();
    const summary = await replayFiles({ url: k.base, key: k.key, files: [eveArray, zeekModbus, cef], shiftToNow: true, batch: 50, progress: null, now: () => now });
    const total = readSensorFile(eveArray).length + readSensorFile(zeekModbus).length + 2;
    expect(summary.sent).toBe(total);
    expect(summary.rejected).toBe(1);
    expect(summary.rejections[0]).toMatch(/fw\.log#1 line 2/);
    expect(summary.accepted + summary.duplicates).toBe(total - 1);
    expect(await k.eventCount()).toBe(summary.accepted);
    const [row] = await k.t.owner.query(`SELECT max(ts) AS newest FROM events WHERE tenant_id = $1`, [k.tenantId]);
    expect(Math.abs(row.newest.getTime() - now.getTime())).toBeLessThan(1000);
    // Replaying the same (shifted to the same now) is all duplicates.
    const again = await replayFiles({ url: k.base, key: k.key, files: [eveArray], shiftToNow: true, batch: 500, progress: null, now: () => now });
    expect(again.accepted).toBe(0);
  }, 60000);

  it('fails clearly on a refused key', async () => {
    await expect(replayFiles({ url: k.base, key: 'wfk_aaaaaaaaaaaa_' + 'A'.repeat(43), files: [zeekModbus], progress: null })).rejects.toThrow(/401/);
  });
});
