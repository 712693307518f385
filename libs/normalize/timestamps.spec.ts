import { epochSecondsToDate, parseIsoTimestamp } from './timestamps';

describe('parseIsoTimestamp', () => {
  it('accepts the last day of every month of 1990–2099 and refuses the day after (leap years included)', () => {
    for (let year = 1990; year < 2100; year++) {
      for (let month = 1; month <= 12; month++) {
        const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
        const stamp = (day: number) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T00:00:00Z`;
        expect(parseIsoTimestamp(stamp(last), 'ts').getTime()).toBe(Date.UTC(year, month - 1, last));
        expect(() => parseIsoTimestamp(stamp(last + 1), 'ts')).toThrow(`ts "${stamp(last + 1)}" is not a valid date`);
      }
    }
  });

  it('names the value as sent when it is out of range', () => {
    expect(() => parseIsoTimestamp('1989-12-31T23:59:59Z', 'timestamp')).toThrow('timestamp "1989-12-31T23:59:59Z" is outside 1990-01-01..2099-12-31');
    expect(() => epochSecondsToDate(1e11, 'ts')).toThrow('ts 100000000000 is outside 1990-01-01..2099-12-31');
  });
});
