import { sampleIncidentRows } from './__fixtures__/sample-summary';
import { incidentCsvCells, incidentCsvText, INCIDENT_CSV_COLUMNS } from './incident-csv';

describe('incident CSV rows', () => {
  const row = { ...sampleIncidentRows(1)[0], title: 'Login, "admin" from\nnowhere', timeToResolveSeconds: null, techniques: ['T0855', 'T0836'], assets: ['PLC-1', 'HMI-2'] };

  it('has one cell per column, empty cells for missing figures and yes/no for breaches', () => {
    const cells = incidentCsvCells(row);
    expect(cells).toHaveLength(INCIDENT_CSV_COLUMNS.length);
    const byColumn = Object.fromEntries(INCIDENT_CSV_COLUMNS.map((c, i) => [c, cells[i]]));
    expect(byColumn).toMatchObject({ number: '1000', time_to_resolve_s: '', acknowledge_breached: 'yes', resolve_breached: 'no', techniques: 'T0855;T0836', assets: 'PLC-1;HMI-2' });
  });

  it('quotes commas, quotes and newlines, and ends records with CRLF', () => {
    const text = incidentCsvText([row], true);
    expect(text.startsWith(`${INCIDENT_CSV_COLUMNS.join(',')}\r\n`)).toBe(true);
    expect(text).toContain('"Login, ""admin"" from\nnowhere"');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(incidentCsvText([], false)).toBe('');
  });

  it.each(['=cmd|calc', '+1', '-2', '@SUM(A1)'])('neutralises a formula-like title %s', (title) => {
    expect(incidentCsvCells({ ...row, title })[2]).toBe(`'${title}`);
  });
});
