import { TOPIC } from '@clarion/contracts';
import { isTraceparent, recordHeaders } from './outbox-relay';

const TRACED = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('outbox record headers', () => {
  it('keeps the trace context a public record was written with', () => {
    expect(recordHeaders(TOPIC.campaignStatus, { traceparent: TRACED, tracestate: 'k=v' })).toEqual({ traceparent: TRACED, tracestate: 'k=v' });
  });

  it('gives every public record written outside a trace a valid traceparent of a new trace', () => {
    for (const topic of [TOPIC.campaignStatus, TOPIC.campaignDeliveries]) {
      for (const headers of [null, {}, { traceparent: 'garbage' }, { traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`, tracestate: 'k=v' }]) {
        const out = recordHeaders(topic, headers);
        expect(isTraceparent(out.traceparent)).toBe(true);
        expect(out.traceparent).not.toBe(headers?.traceparent);
        expect(out.tracestate).toBeUndefined();
      }
    }
    // Two rows outside a trace are two traces, not one shared id.
    expect(recordHeaders(TOPIC.campaignStatus, {}).traceparent.slice(3, 35)).not.toBe(recordHeaders(TOPIC.campaignStatus, {}).traceparent.slice(3, 35));
  });

  it('leaves internal topics as they were written', () => {
    expect(recordHeaders(TOPIC.campaignCommands, {})).toEqual({});
    expect(recordHeaders(TOPIC.creditEvents, { traceparent: TRACED })).toEqual({ traceparent: TRACED });
  });

  it('reads the W3C form: version 00, 32 and 16 lowercase hex digits not all zero, two of flags', () => {
    expect(isTraceparent(TRACED)).toBe(true);
    for (const bad of [
      '',
      '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      TRACED.toUpperCase(),
      `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
      `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`,
      TRACED + '-x',
      42,
    ]) {
      expect(isTraceparent(bad)).toBe(false);
    }
  });
});
