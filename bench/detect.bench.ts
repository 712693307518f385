// npm run bench:detect [-- <extra rule dir>...] [--events N] [--naive-events N]
// Detection throughput on one core: ~500 Sigma rules (corpus network/zeek/firewall/dns/web/
// application rules first, then others up to 500, plus any rule dirs given) over >= 100k events
// recycled from the corpus Zeek and Suricata records with varied IPs.
//   (a) our engine: rules compiled once, buildRuleSet index, precompiled matchers;
//   (b) a naive baseline in the same run: every rule against every event with interpretRule,
//       which re-reads each rule's detection map and re-parses its condition on every call.
// (b) runs over a strided sample of --naive-events events (default 4000; all 100k would take minutes) and
// both must find the same matches there; the ratio compares per-event throughput.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { buildRuleSet, compileRule, interpretRule, parseSigmaFile, type CompiledRule, type SigmaEvent } from '../libs/detection/sigma';
import { findCorpora } from './bench-support';

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) walk(full, out);
    else if (/\.ya?ml$/.test(e.name)) out.push(full);
  }
  return out.sort();
}

function loadRules(corpora: string, extraDirs: string[], limit: number): CompiledRule[] {
  const sigma = path.join(corpora, 'sigma', 'sigmahq-sigma');
  const preferred = ['rules/network', 'rules/web', 'rules/application', 'rules-threat-hunting/network', 'rules/category', 'rules/linux', 'rules/cloud', 'rules/windows', 'rules-emerging-threats', 'rules-threat-hunting'];
  const seen = new Set<string>();
  const files: string[] = [];
  for (const d of preferred) {
    const full = path.join(sigma, d);
    if (!fs.existsSync(full)) continue;
    for (const f of walk(full)) if (!seen.has(f)) (seen.add(f), files.push(f));
  }
  const out: CompiledRule[] = [];
  const compileFile = (f: string): void => {
    for (const rule of parseSigmaFile(fs.readFileSync(f, 'utf8')).rules) {
      const r = compileRule(rule);
      if (r.ok) out.push(r.rule);
    }
  };
  for (const d of extraDirs) for (const f of walk(d)) compileFile(f); // extra dirs always included
  const extra = out.length;
  for (const f of files) {
    if (out.length >= limit) break;
    compileFile(f);
  }
  return out.slice(0, Math.max(limit, extra));
}

type Rec = Record<string, unknown>;

function zeekEvent(r: Rec): SigmaEvent {
  const log = String(r._path ?? 'unknown');
  return {
    raw: r,
    normalized: {
      source_product: 'zeek',
      source_log: log,
      event_class: log === 'notice' ? 'alert' : log,
      src_ip: r['id.orig_h'],
      src_port: r['id.orig_p'],
      dst_ip: r['id.resp_h'],
      dst_port: r['id.resp_p'],
      transport: r.proto,
      app_protocol: r.service ?? log,
      community_id: r.community_id,
      signature: log === 'notice' ? r.note : undefined,
      message: r.msg,
      ot_protocol: log === 'modbus' ? 'modbus' : undefined,
      ot_function: log === 'modbus' ? r.func : undefined,
    },
  };
}

function suricataEvent(r: Rec): SigmaEvent {
  const alert = (r.alert ?? {}) as Rec;
  const type = String(r.event_type ?? 'unknown');
  return {
    raw: r,
    normalized: {
      source_product: 'suricata',
      source_log: type,
      event_class: type === 'alert' ? 'alert' : type,
      src_ip: r.src_ip,
      src_port: r.src_port,
      dst_ip: r.dest_ip,
      dst_port: r.dest_port,
      transport: typeof r.proto === 'string' ? r.proto.toLowerCase() : r.proto,
      app_protocol: r.app_proto,
      community_id: r.community_id,
      signature: alert.signature,
      signature_id: alert.signature_id,
      severity: alert.severity,
    },
  };
}

function loadBaseEvents(corpora: string): SigmaEvent[] {
  const out: SigmaEvent[] = [];
  const zeekDir = path.join(corpora, 'zeek', 'brimdata-zed-sample-data', 'zeek-json');
  const skip = new Set(['loaded_scripts', 'packet_filter', 'stats', 'capture_loss']);
  for (const f of fs.readdirSync(zeekDir).sort()) {
    if (!f.endsWith('.json.gz') || skip.has(f.replace('.json.gz', ''))) continue;
    const lines = zlib.gunzipSync(fs.readFileSync(path.join(zeekDir, f))).toString('utf8').split('\n');
    let taken = 0;
    for (const line of lines) {
      if (!line.trim()) continue;
      out.push(zeekEvent(JSON.parse(line) as Rec));
      if (++taken >= 4000) break; // keep the mix varied: no single log dominates
    }
  }
  const suriDirs = [path.join(corpora, 'suricata', 'suricata-sample-data', '_extracted'), path.join(corpora, 'suricata', 'suricata-verify', '_extracted')];
  for (const d of suriDirs) {
    if (!fs.existsSync(d)) continue;
    for (const f of fs.readdirSync(d).sort()) {
      if (!f.endsWith('.ndjson')) continue;
      for (const line of fs.readFileSync(path.join(d, f), 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          out.push(suricataEvent(JSON.parse(line) as Rec));
        } catch {
          // a malformed line in a sample file is skipped
        }
      }
    }
  }
  return out;
}

/** Deterministic PRNG (mulberry32) so every run sees the same events. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function recycle(base: SigmaEvent[], count: number): SigmaEvent[] {
  const rand = prng(42);
  const ip = (): string => (rand() < 0.7 ? `10.${(rand() * 256) | 0}.${(rand() * 256) | 0}.${(rand() * 254 + 1) | 0}` : `${(rand() * 223 + 1) | 0}.${(rand() * 256) | 0}.${(rand() * 256) | 0}.${(rand() * 254 + 1) | 0}`);
  const out: SigmaEvent[] = [];
  for (let i = 0; i < count; i++) {
    const b = base[i % base.length];
    const src = ip();
    const dst = ip();
    const raw: Rec = { ...b.raw };
    if ('id.orig_h' in raw) raw['id.orig_h'] = src;
    if ('id.resp_h' in raw) raw['id.resp_h'] = dst;
    if ('src_ip' in raw) raw.src_ip = src;
    if ('dest_ip' in raw) raw.dest_ip = dst;
    out.push({ raw, normalized: { ...b.normalized, src_ip: src, dst_ip: dst } });
  }
  return out;
}

/** EVTX-as-JSON → flat Sigma fields (System elements, `Element_Attribute`, EventData, UserData). */
function flattenEvtx(doc: Rec): Rec {
  const out: Rec = {};
  const event = (doc.Event ?? {}) as Rec;
  for (const [k, v] of Object.entries((event.System ?? {}) as Rec)) {
    if (v !== null && typeof v === 'object') {
      const attrs = (v as Rec)['#attributes'] as Rec | undefined;
      if (attrs) for (const [a, av] of Object.entries(attrs)) out[`${k}_${a}`] = av;
      if ('#text' in (v as Rec)) out[k] = (v as Rec)['#text'];
    } else out[k] = v;
  }
  const add = (d: unknown): void => {
    if (d === null || typeof d !== 'object') return;
    for (const [k, v] of Object.entries(d as Rec)) if (k !== '#attributes') out[k.replace(/\s+/g, '')] = v;
  };
  add(event.EventData);
  if (event.UserData && typeof event.UserData === 'object') for (const v of Object.values(event.UserData as Rec)) add(v);
  return out;
}

/**
 * SigmaHQ regression events (Windows), each claiming its rule's logsource: the heavy case where
 * an event has many candidate rules (e.g. ~190 process_creation rules) instead of a few.
 */
function loadWindowsEvents(corpora: string, rules: CompiledRule[]): SigmaEvent[] {
  const dir = path.join(corpora, 'sigma', 'sigmahq-sigma', 'regression_data');
  const byId = new Map(rules.filter((r) => r.id).map((r) => [r.id as string, r]));
  const out: SigmaEvent[] = [];
  const visit = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) visit(full);
      else if (e.name.endsWith('.json')) {
        const rule = byId.get(e.name.replace(/\.json$/, ''));
        if (!rule) continue;
        const text = fs.readFileSync(full, 'utf8');
        // files hold one or more concatenated JSON documents
        for (const part of text.split(/\n(?=\{)/)) {
          try {
            const raw = flattenEvtx(JSON.parse(part) as Rec);
            out.push({ raw, normalized: { source_product: rule.logsource.product, source_log: rule.logsource.service, category: rule.logsource.category } });
          } catch {
            // not a complete document on its own: skipped
          }
        }
      }
    }
  };
  visit(dir);
  return out;
}

function argValue(argv: string[], name: string, dflt: number): number {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? Number(argv[i + 1]) : dflt;
}

function main(): void {
  const argv = process.argv.slice(2);
  const eventCount = argValue(argv, '--events', 120000);
  const naiveCount = argValue(argv, '--naive-events', 4000);
  const extraDirs = argv.filter((a, i) => !a.startsWith('--') && !(i > 0 && argv[i - 1].startsWith('--')));
  const corpora = findCorpora();

  const t0 = process.hrtime.bigint();
  const rules = loadRules(corpora, extraDirs, 500);
  const set = buildRuleSet(rules);
  const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const base = loadBaseEvents(corpora);
  const events = recycle(base, eventCount);
  console.log(`rules: ${rules.length} compiled and indexed in ${compileMs.toFixed(0)} ms (parse + compile + index)`);
  const byProduct = new Map<string, number>();
  for (const r of rules) {
    const k = r.logsource.product ?? `category:${r.logsource.category ?? '-'}`;
    byProduct.set(k, (byProduct.get(k) ?? 0) + 1);
  }
  console.log(`  by logsource: ${[...byProduct.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  console.log(`events: ${events.length} (recycled from ${base.length} Zeek/Suricata corpus records, varied IPs)`);

  // warm-up, then the measured pass
  for (let i = 0; i < Math.min(20000, events.length); i++) set.match(events[i]);
  let matches = 0;
  const perRule = new Map<string, number>();
  const t1 = process.hrtime.bigint();
  for (let i = 0; i < events.length; i++) {
    const hits = set.match(events[i]);
    matches += hits.length;
    for (const h of hits) perRule.set(h.title, (perRule.get(h.title) ?? 0) + 1);
  }
  const engineSec = Number(process.hrtime.bigint() - t1) / 1e9;
  const engineRate = events.length / engineSec;
  console.log(`engine: ${matches} matches in ${engineSec.toFixed(3)} s → ${Math.round(engineRate)} events/s`);
  for (const [title, n] of [...perRule.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5)) console.log(`  ${String(n).padStart(7)}  ${title}`);

  // for information: the same compiled matchers without the index (every rule's match())
  let flatMatches = 0;
  const t3 = process.hrtime.bigint();
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    for (let j = 0; j < rules.length; j++) if (rules[j].match(e)) flatMatches++;
  }
  const flatSec = Number(process.hrtime.bigint() - t3) / 1e9;
  console.log(`compiled, no index: ${flatMatches} matches → ${Math.round(events.length / flatSec)} events/s`);
  if (flatMatches !== matches) {
    console.error(`detect: MISMATCH index ${matches} vs every-rule ${flatMatches} matches`);
    process.exitCode = 1;
    return;
  }

  // naive baseline over a sample, same rules
  // a strided sample, so every log type of the mix is in it
  const stride = Math.max(1, Math.floor(events.length / naiveCount));
  const sample = events.filter((_e, i) => i % stride === 0).slice(0, naiveCount);
  let engineSampleMatches = 0;
  for (const e of sample) engineSampleMatches += set.match(e).length;
  let naiveMatches = 0;
  const t2 = process.hrtime.bigint();
  for (const e of sample) {
    for (const r of rules) if (interpretRule(r.source, e)) naiveMatches++;
  }
  const naiveSec = Number(process.hrtime.bigint() - t2) / 1e9;
  const naiveRate = sample.length / naiveSec;
  console.log(`naive: ${naiveMatches} matches over ${sample.length} sampled events (every ${stride}th) in ${naiveSec.toFixed(3)} s → ${Math.round(naiveRate)} events/s (engine found ${engineSampleMatches} there)`);
  if (naiveMatches !== engineSampleMatches) {
    console.error(`detect: MISMATCH engine ${engineSampleMatches} vs naive ${naiveMatches} matches`);
    process.exitCode = 1;
    return;
  }
  // informational: Windows events against the same rules (many candidates per event)
  const win = loadWindowsEvents(corpora, rules);
  if (win.length > 0) {
    const winEvents = Array.from({ length: 20000 }, (_x, i) => win[i % win.length]);
    let winMatches = 0;
    const t4 = process.hrtime.bigint();
    for (const e of winEvents) winMatches += set.match(e).length;
    const winSec = Number(process.hrtime.bigint() - t4) / 1e9;
    console.log(`windows (informational): ${winEvents.length} events recycled from ${win.length} SigmaHQ regression events, ${winMatches} matches → ${Math.round(winEvents.length / winSec)} events/s`);
  }

  const ratio = engineRate / naiveRate;
  console.log(`detect: ${Math.round(engineRate)} events/s with ${rules.length} rules, ${ratio.toFixed(1)} × naive`);
}

main();
