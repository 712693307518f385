import fs from 'node:fs';
import path from 'node:path';
import { attackIcsLabel, attackIcsTechnique, buildAttackIcsTable } from './attack-ics';
import shipped from './attack-ics-techniques.json';

const corpus = path.resolve(__dirname, '../../..', '../shared/corpora/ics/mitre-attack-ics');

describe('ATT&CK for ICS table', () => {
  const haveCorpus = fs.existsSync(path.join(corpus, 'ics-attack.json'));
  (haveCorpus ? test : test.skip)('the shipped table is exactly what the generator makes from the STIX bundle', () => {
    const bundle = JSON.parse(fs.readFileSync(path.join(corpus, 'ics-attack.json'), 'utf8'));
    expect(buildAttackIcsTable(bundle, shipped.source)).toEqual(shipped);
  });

  (haveCorpus ? test : test.skip)('the MITRE licence text ships beside the table', () => {
    const licence = fs.readFileSync(path.join(__dirname, 'ATTACK-ICS-LICENSE.txt'), 'utf8');
    expect(licence).toBe(fs.readFileSync(path.join(corpus, 'LICENSE.txt'), 'utf8'));
    expect(licence).toContain('The MITRE Corporation');
  });

  test.each([
    ['T0855', 'Unauthorized Command Message', ['Impair Process Control']],
    ['t0886', 'Remote Services', ['Initial Access', 'Lateral Movement']],
    ['T0843', 'Program Download', ['Lateral Movement']],
    ['T0836', 'Modify Parameter', ['Impair Process Control']],
    ['T0846', 'Remote System Discovery', ['Discovery']],
  ])('%s', (id, name, tactics) => {
    expect(attackIcsTechnique(id)).toEqual({ name, tactics, deprecated: false });
  });

  test('deprecated techniques are kept and flagged; unknown ids are undefined', () => {
    expect(attackIcsTechnique('T0841')).toMatchObject({ name: 'Network Service Scanning', deprecated: true });
    expect(attackIcsTechnique('T9999')).toBeUndefined();
    expect(attackIcsTechnique(42 as unknown as string)).toBeUndefined();
  });

  test('labels', () => {
    expect(attackIcsLabel('T0864')).toBe('T0864 Transient Cyber Asset');
    expect(attackIcsLabel('T1234')).toBe('T1234');
  });

  test('revoked techniques are left out, tactic short names mapped to display names', () => {
    const t = buildAttackIcsTable(
      {
        objects: [
          { type: 'x-mitre-tactic', x_mitre_shortname: 'impact', name: 'Impact' },
          { type: 'attack-pattern', name: 'Old', revoked: true, external_references: [{ source_name: 'mitre-attack', external_id: 'T0001' }] },
          {
            type: 'attack-pattern',
            name: 'New',
            external_references: [{ source_name: 'x' }, { source_name: 'mitre-attack', external_id: 'T0002' }],
            kill_chain_phases: [{ kill_chain_name: 'mitre-ics-attack', phase_name: 'impact' }, { kill_chain_name: 'other', phase_name: 'x' }],
          },
        ],
      },
      'test',
    );
    expect(t).toEqual({ source: 'test', techniques: { T0002: { name: 'New', tactics: ['Impact'], deprecated: false } } });
  });
});
