import { decide, emptyAccount, evolve, available, type LedgerCommand, type LedgerEvent, type LedgerState } from './ledger';

const E = 'EN' + 'a'.repeat(32);
const at = '2026-01-01T00:00:00.000Z';
const fresh = (): LedgerState => ({ account: emptyAccount(E), hold: null, entry: null });

/** Given commands already applied, when this command, then these events or this error code. */
function given(...commands: LedgerCommand[]): LedgerState {
  let state = fresh();
  for (const c of commands) {
    // Each command sees only its own hold / entry, as the adapter loads them.
    const view = { ...state, hold: 'holdId' in c && state.hold?.holdId === c.holdId ? state.hold : null, entry: null };
    const d = decide(c, view);
    if (!d.ok) throw new Error(`given command refused: ${d.error.code}`);
    for (const e of d.events) state = evolve(state, e);
  }
  return state;
}
const topUp = (credit: number, entrySid = `ENC${credit}`): LedgerCommand => ({ type: 'AddCredit', entrySid, enterpriseSid: E, credit, description: 'top-up', accountSid: null, at });
const deadline = '2026-01-08T00:00:00.000Z';
const reserve = (holdId: string, amount: number): LedgerCommand => ({ type: 'Reserve', holdId, enterpriseSid: E, amount, expiresAt: deadline, at });
const expire = (holdId: string, when: string): LedgerCommand => ({ type: 'Expire', holdId, enterpriseSid: E, at: when });
const commit = (holdId: string, amount: number): LedgerCommand => ({
  type: 'Commit',
  holdId,
  enterpriseSid: E,
  amount,
  entrySid: `ENC-charge-${holdId}`,
  description: `Campaign ${holdId}`,
  accountSid: 'AC1',
  at,
});
const release = (holdId: string): LedgerCommand => ({ type: 'Release', holdId, enterpriseSid: E, at });
const events = (d: ReturnType<typeof decide>): LedgerEvent[] => (d.ok ? d.events : []);
const code = (d: ReturnType<typeof decide>): number | null => (d.ok ? null : d.error.code);

describe('credit ledger', () => {
  it('reserves exactly the available amount, and refuses one more with 488', () => {
    const s = given(topUp(100));
    expect(events(decide(reserve('CP1', 100), s))).toEqual([{ type: 'CreditsReserved', holdId: 'CP1', enterpriseSid: E, amount: 100, expiresAt: deadline, at }]);
    expect(code(decide(reserve('CP1', 101), s))).toBe(488);
  });

  it('a partial commit posts what was used and releases the rest', () => {
    const s = given(topUp(100), reserve('CP1', 60));
    expect(available(s.account)).toBe(40);
    const d = decide(commit('CP1', 45), s);
    const debit = { entrySid: 'ENC-charge-CP1', enterpriseSid: E, credit: -45, description: 'Campaign CP1', accountSid: 'AC1', at };
    expect(events(d)).toEqual([{ type: 'HoldPosted', holdId: 'CP1', enterpriseSid: E, posted: 45, released: 15, debit, at }]);
    const after = evolve(s, events(d)[0]);
    expect(after.account).toEqual({ enterpriseSid: E, credited: 100, reserved: 0, used: 45 });
    expect(after.entry).toEqual(debit);
    expect(available(after.account)).toBe(55);
  });

  it('a commit of nothing posts the hold and writes no debit (the history has no zero entries)', () => {
    const s = given(topUp(100), reserve('CP1', 60));
    const [posted] = events(decide(commit('CP1', 0), s));
    expect(posted).toMatchObject({ type: 'HoldPosted', posted: 0, released: 60, debit: null });
    expect(evolve(s, posted).account).toMatchObject({ reserved: 0, used: 0 });
  });

  it('a replayed commit writes its debit once', () => {
    const posted = given(topUp(100), reserve('CP1', 60), commit('CP1', 50));
    expect(decide(commit('CP1', 50), posted)).toEqual({ ok: true, events: [], replay: true });
  });

  it('release voids the whole hold', () => {
    const s = given(topUp(100), reserve('CP1', 60));
    const after = evolve(s, events(decide(release('CP1'), s))[0]);
    expect(after.account).toMatchObject({ reserved: 0, used: 0 });
    expect(after.hold?.status).toBe('voided');
  });

  it('replays change nothing and are recognised as replays', () => {
    const s = given(topUp(100), reserve('CP1', 60));
    expect(decide(reserve('CP1', 60), s)).toEqual({ ok: true, events: [], replay: true });
    const posted = given(topUp(100), reserve('CP1', 60), commit('CP1', 50));
    expect(decide(commit('CP1', 50), posted)).toEqual({ ok: true, events: [], replay: true });
    const voided = given(topUp(100), reserve('CP1', 60), release('CP1'));
    expect(decide(release('CP1'), voided)).toEqual({ ok: true, events: [], replay: true });
    const entry = { entrySid: 'ENC1', enterpriseSid: E, credit: 100, description: 'top-up', accountSid: null, at };
    expect(decide(topUp(100, 'ENC1'), { ...fresh(), entry })).toEqual({ ok: true, events: [], replay: true });
  });

  it('the same id with different content is refused with 409', () => {
    const s = given(topUp(100), reserve('CP1', 60));
    expect(code(decide(reserve('CP1', 61), s))).toBe(409);
    const posted = given(topUp(100), reserve('CP1', 60), commit('CP1', 50));
    expect(code(decide(commit('CP1', 40), posted))).toBe(409);
    const entry = { entrySid: 'ENC1', enterpriseSid: E, credit: 100, description: 'top-up', accountSid: null, at };
    expect(code(decide(topUp(99, 'ENC1'), { ...fresh(), entry }))).toBe(409);
  });

  it('a hold resolves at most once: commit after release and release after commit are refused', () => {
    expect(code(decide(commit('CP1', 10), given(topUp(100), reserve('CP1', 60), release('CP1'))))).toBe(493);
    expect(code(decide(release('CP1'), given(topUp(100), reserve('CP1', 60), commit('CP1', 10))))).toBe(493);
  });

  it('refuses commits of more than the hold, unknown holds, bad amounts and reductions below zero', () => {
    const s = given(topUp(100), reserve('CP1', 60));
    expect(code(decide(commit('CP1', 61), s))).toBe(4001);
    expect(code(decide(commit('CP2', 1), { ...s, hold: null }))).toBe(494);
    expect(code(decide(reserve('CP3', 0), { ...s, hold: null }))).toBe(4001);
    expect(code(decide(reserve('CP3', 1.5), { ...s, hold: null }))).toBe(4001);
    expect(code(decide(topUp(-41, 'ENCx'), s))).toBe(488);
    expect(events(decide(topUp(-40, 'ENCx'), s))).toHaveLength(1);
    expect(code(decide(topUp(0, 'ENCz'), s))).toBe(4001);
  });

  it('expires a hold still pending past its deadline, releasing it with reason expired', () => {
    const s = given(topUp(100), reserve('CP1', 60));
    const d = decide(expire('CP1', '2026-01-08T00:00:01.000Z'), s);
    expect(events(d)).toEqual([{ type: 'HoldVoided', holdId: 'CP1', enterpriseSid: E, released: 60, reason: 'expired', at: '2026-01-08T00:00:01.000Z' }]);
    const after = evolve(s, events(d)[0]);
    expect(after.account).toMatchObject({ reserved: 0, used: 0 });
    expect(available(after.account)).toBe(100);
    // A second tick finds nothing left to expire, and a late commit is refused: the hold resolved once.
    expect(decide(expire('CP1', '2026-01-09T00:00:00.000Z'), after)).toEqual({ ok: true, events: [], replay: true });
    expect(code(decide(commit('CP1', 10), after))).toBe(493);
  });

  it('leaves a hold alone before its deadline, and after it was committed or released', () => {
    expect(decide(expire('CP1', '2026-01-07T23:59:59.000Z'), given(topUp(100), reserve('CP1', 60)))).toEqual({ ok: true, events: [], replay: true });
    expect(decide(expire('CP1', '2026-02-01T00:00:00.000Z'), given(topUp(100), reserve('CP1', 60), commit('CP1', 10)))).toEqual({ ok: true, events: [], replay: true });
    expect(decide(expire('CP1', '2026-02-01T00:00:00.000Z'), given(topUp(100), reserve('CP1', 60), release('CP1')))).toEqual({ ok: true, events: [], replay: true });
    expect(code(decide(expire('CP9', '2026-02-01T00:00:00.000Z'), fresh()))).toBe(494);
  });
});
