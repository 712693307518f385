// SigmaHQ's Zeek rules over real Zeek JSON (brimdata WRCCDC 2018 sample, CC BY-SA 4.0, read in
// place): literal dotted keys (`id.orig_h`), logsource by Zeek log, index ≡ every rule ≡ interpreter.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { compileRule } from './compile';
import { interpretRule } from './interpreter';
import { parseSigmaFile } from './parse';
import { buildRuleSet } from './rule-set';
import type { CompiledRule, SigmaEvent } from './types';
import { SIGMA_CORPUS, walkFiles } from './__fixtures__/corpus';

const ZEEK = path.resolve(SIGMA_CORPUS, '../../zeek/brimdata-zed-sample-data/zeek-json');

function zeekEvents(log: string, limit: number): SigmaEvent[] {
  const lines = zlib.gunzipSync(fs.readFileSync(path.join(ZEEK, `${log}.json.gz`))).toString('utf8').split('\n');
  return lines
    .filter((l) => l.trim())
    .slice(0, limit)
    .map((l) => {
      const raw = JSON.parse(l) as Record<string, unknown>;
      return { raw, normalized: { source_product: 'zeek', source_log: String(raw._path), src_ip: raw['id.orig_h'], dst_ip: raw['id.resp_h'] } };
    });
}

const rules: CompiledRule[] = [];
for (const f of walkFiles(path.join(SIGMA_CORPUS, 'rules/network/zeek'), (n) => n.endsWith('.yml'))) {
  for (const rule of parseSigmaFile(fs.readFileSync(f, 'utf8')).rules) {
    const r = compileRule(rule);
    if (!r.ok) throw new Error(`${f}: ${r.reason}`);
    rules.push(r.rule);
  }
}
const events = ['rdp', 'dce_rpc', 'smb_files', 'smb_mapping', 'kerberos', 'x509', 'notice', 'modbus', 'dns', 'ssl'].flatMap((log) => zeekEvents(log, 3000));
const set = buildRuleSet(rules);

describe('SigmaHQ Zeek rules on real Zeek logs', () => {
  test('all Zeek rules compile', () => {
    expect(rules.length).toBeGreaterThanOrEqual(20);
  });

  test('index, every rule and the interpreter agree on every record', () => {
    let total = 0;
    for (const e of events) {
      const viaIndex = set.match(e).map((r) => r.title);
      const viaAll = rules.filter((r) => r.match(e)).map((r) => r.title);
      const viaInterpreter = rules.filter((r) => interpretRule(r.source, e)).map((r) => r.title);
      expect(viaIndex).toEqual(viaAll);
      expect(viaInterpreter).toEqual(viaAll);
      total += viaAll.length;
    }
    expect(events.length).toBeGreaterThan(10000);
    expect(total).toBeGreaterThan(0);
  });

  test('the public-RDP rule reads the literal id.orig_h key and its negated CIDR list', () => {
    const rdpRule = rules.find((r) => r.title === 'Publicly Accessible RDP Service') as CompiledRule;
    const rdp = events.filter((e) => e.raw._path === 'rdp');
    expect(rdp.length).toBeGreaterThan(1000);
    // every RDP client in this capture is on a private network
    expect(rdp.filter((e) => rdpRule.match(e))).toEqual([]);
    const fromPublic = { raw: { ...rdp[0].raw, 'id.orig_h': '203.0.113.5' }, normalized: rdp[0].normalized };
    const fromV6Private = { raw: { ...rdp[0].raw, 'id.orig_h': 'fd00::5' }, normalized: rdp[0].normalized };
    expect(rdpRule.match(fromPublic)).toBe(true);
    expect(rdpRule.match(fromV6Private)).toBe(false);
    // the same record claimed by another Zeek log is out of the rule's logsource
    expect(rdpRule.match({ raw: fromPublic.raw, normalized: { source_product: 'zeek', source_log: 'conn' } })).toBe(false);
  });

  test('DCE-RPC BZAR rule matches exactly the records with a listed (endpoint, operation) pair', () => {
    const bzar = rules.find((r) => r.title === 'MITRE BZAR Indicators for Execution') as CompiledRule;
    const pairs = new Set(
      Object.values(bzar.source.detection)
        .filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object')
        .map((sel) => `${String(sel.endpoint)}|${String(sel.operation)}`.toLowerCase()),
    );
    expect(pairs.size).toBe(10);
    const dce = events.filter((e) => e.raw._path === 'dce_rpc');
    const expected = dce.filter((e) => pairs.has(`${String(e.raw.endpoint)}|${String(e.raw.operation)}`.toLowerCase()));
    expect(expected.length).toBeGreaterThan(0);
    expect(dce.filter((e) => bzar.match(e))).toEqual(expected);
  });
});
