import fc from 'fast-check';
import { allowedTransitions, checkTransition, IncidentStatus as S, isOpen, OPEN_STATUSES, transitionEffects } from './incident-workflow';

describe('incident workflow', () => {
  it('follows the main path', () => {
    const path = [S.NEW, S.ACKNOWLEDGED, S.INVESTIGATING, S.AWAITING_CUSTOMER, S.INVESTIGATING, S.CONTAINED, S.RESOLVED, S.CLOSED];
    for (let i = 1; i < path.length; i++) expect({ from: path[i - 1], to: path[i], ok: checkTransition(path[i - 1], path[i]).ok }).toEqual({ from: path[i - 1], to: path[i], ok: true });
  });

  it('reaches RESOLVED and FALSE_POSITIVE from every open state, and CLOSED only from RESOLVED or FALSE_POSITIVE', () => {
    for (const s of OPEN_STATUSES) {
      expect(allowedTransitions(s)).toEqual(expect.arrayContaining([S.RESOLVED, S.FALSE_POSITIVE]));
      expect(allowedTransitions(s)).not.toContain(S.CLOSED);
    }
    const toClosed = Object.values(S).filter((s) => allowedTransitions(s).includes(S.CLOSED));
    expect(toClosed.sort()).toEqual([S.FALSE_POSITIVE, S.RESOLVED].sort());
  });

  it('reopens a resolved incident but nothing leaves CLOSED', () => {
    expect(checkTransition(S.RESOLVED, S.INVESTIGATING).ok).toBe(true);
    expect(allowedTransitions(S.CLOSED)).toEqual([]);
    expect(checkTransition(S.NEW, S.CONTAINED)).toEqual({ ok: false, allowed: [S.ACKNOWLEDGED, S.RESOLVED, S.FALSE_POSITIVE] });
  });

  it('never allows a self-transition and never leaves the open set except to RESOLVED/FALSE_POSITIVE', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.values(S)), fc.constantFrom(...Object.values(S)), (from, to) => {
        const ok = checkTransition(from, to).ok;
        if (from === to) return !ok;
        if (ok && isOpen(from) && !isOpen(to)) return to === S.RESOLVED || to === S.FALSE_POSITIVE;
        return true;
      }),
    );
  });

  it('stops the acknowledge clock on leaving NEW and pauses while awaiting the customer', () => {
    expect(transitionEffects(S.NEW, S.RESOLVED)).toMatchObject({ setAcknowledgedAt: true, setResolvedAt: true });
    expect(transitionEffects(S.INVESTIGATING, S.AWAITING_CUSTOMER)).toMatchObject({ pause: true, resume: false });
    expect(transitionEffects(S.AWAITING_CUSTOMER, S.INVESTIGATING)).toMatchObject({ pause: false, resume: true });
    expect(transitionEffects(S.RESOLVED, S.INVESTIGATING)).toMatchObject({ clearResolvedAt: true });
  });
});
