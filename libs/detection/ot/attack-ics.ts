// ATT&CK for ICS technique names and tactics, from a table generated out of MITRE's STIX bundle
// (attack-ics-techniques.json; licence in ATTACK-ICS-LICENSE.txt beside it).

import table from './attack-ics-techniques.json';

export interface AttackIcsTechnique {
  name: string;
  tactics: string[];
  deprecated: boolean;
}

export interface AttackIcsTable {
  source: string;
  techniques: Record<string, AttackIcsTechnique>;
}

const TABLE = table as AttackIcsTable;

/** The technique for an id such as "T0855" (case-insensitive), or undefined. */
export function attackIcsTechnique(id: string): AttackIcsTechnique | undefined {
  if (typeof id !== 'string') return undefined;
  return TABLE.techniques[id.trim().toUpperCase()];
}

/** "T0855 Unauthorized Command Message", or the bare id when unknown. */
export function attackIcsLabel(id: string): string {
  const t = attackIcsTechnique(id);
  return t ? `${id.toUpperCase()} ${t.name}` : id;
}

export function attackIcsTechniqueIds(): string[] {
  return Object.keys(TABLE.techniques);
}

interface StixObject {
  type?: string;
  name?: string;
  revoked?: boolean;
  x_mitre_deprecated?: boolean;
  x_mitre_shortname?: string;
  external_references?: { source_name?: string; external_id?: string }[];
  kill_chain_phases?: { kill_chain_name?: string; phase_name?: string }[];
}

/**
 * Builds the table from the ATT&CK for ICS STIX 2.1 bundle (mitre/cti ics-attack/ics-attack.json).
 * Revoked techniques are left out; deprecated ones are kept and flagged, since older alerts may
 * still carry their ids. Tactics are given by display name ("Impair Process Control").
 */
export function buildAttackIcsTable(bundle: { objects?: StixObject[] }, source: string): AttackIcsTable {
  const objects = Array.isArray(bundle?.objects) ? bundle.objects : [];
  const tacticNames = new Map<string, string>();
  for (const o of objects) {
    if (o.type === 'x-mitre-tactic' && o.x_mitre_shortname && o.name) tacticNames.set(o.x_mitre_shortname, o.name);
  }
  const entries: [string, AttackIcsTechnique][] = [];
  for (const o of objects) {
    if (o.type !== 'attack-pattern' || o.revoked || !o.name) continue;
    const id = (o.external_references ?? []).find((r) => /^T\d{4}(\.\d{3})?$/.test(r.external_id ?? ''))?.external_id;
    if (!id) continue;
    const tactics = (o.kill_chain_phases ?? [])
      .filter((k) => k.kill_chain_name === 'mitre-ics-attack' && k.phase_name)
      .map((k) => tacticNames.get(k.phase_name as string) ?? (k.phase_name as string));
    entries.push([id, { name: o.name, tactics, deprecated: o.x_mitre_deprecated === true }]);
  }
  entries.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return { source, techniques: Object.fromEntries(entries) };
}
