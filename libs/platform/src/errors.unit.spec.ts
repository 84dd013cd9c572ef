import { QueryFailedError } from 'typeorm';
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSRequestTimeoutError } from 'kafkajs';
import { ConcurrencyError } from './event-store';
import { PoisonMessageError, RetriableError, classifyError, retryWhileRetriable } from './errors';

const pgError = (code: string, message = 'pg says no') => Object.assign(new Error(message), { code });
const nodeError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code });

describe('error taxonomy', () => {
  it.each([
    ['connection refused', nodeError('ECONNREFUSED')],
    ['connection reset', nodeError('ECONNRESET')],
    ['a socket timeout', nodeError('ETIMEDOUT')],
    ['a connection the server closed', new Error('Connection terminated unexpectedly')],
    ['a pool that could not connect in time', new Error('timeout exceeded when trying to connect')],
    ['a silent connection', new Error('Query read timeout')],
    ['a serialization failure', pgError('40001')],
    ['a deadlock', pgError('40P01')],
    ['an administrator shutdown', pgError('57P01', 'terminating connection due to administrator command')],
    ['a server that cannot accept connections', pgError('08006')],
    ['too many connections', pgError('53300')],
    ['a lock timeout', pgError('55P03')],
    ['two writers racing for one key', pgError('23505')],
    ['a concurrency conflict in the event store', new ConcurrencyError('campaign-x', 3)],
    ['a TypeORM error wrapping a connection loss', new QueryFailedError('SELECT 1', [], nodeError('ECONNRESET'))],
    ['a TypeORM error wrapping a deadlock', new QueryFailedError('UPDATE', [], pgError('40P01'))],
    ['a broker connection error', new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092')],
    ['a broker request timeout', new KafkaJSRequestTimeoutError('Request produce(key: 0, version: 7) timed out')],
    ['retries exhausted against the broker', new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection timeout'), { retryCount: 5, retryTime: 3000 })],
    ['a retriable broker protocol error', Object.assign(new KafkaJSProtocolError('There is no leader for this topic-partition'), { retriable: true })],
    ['what the code itself marks retriable', new RetriableError('carrier unbound')],
  ])('%s is retriable', (_what, err) => {
    expect(classifyError(err)).toBe('retriable');
  });

  it.each([['a poison message', new PoisonMessageError('not a Clarion message envelope')]])('%s is poison', (_what, err) => {
    expect(classifyError(err)).toBe('poison');
  });

  it.each([
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'numbers')")],
    ['an assertion', new Error('ledger: command for EN1 applied to account EN2')],
    ['a CHECK violation (the ledger would go negative)', pgError('23514')],
    ['a syntax error in SQL', pgError('42601')],
    [
      'a non-retriable broker error',
      // As kafkajs builds it from the protocol's error table.
      new KafkaJSProtocolError({ type: 'MESSAGE_TOO_LARGE', code: 10, retriable: false, message: 'The request included a message larger than the max message size the server will accept' } as never),
    ],
    ['a thrown string', 'boom'],
    ['nothing at all', undefined],
  ])('%s is a bug', (_what, err) => {
    expect(classifyError(err)).toBe('bug');
  });

  it('retries a step while its error is retriable, and throws anything else at once', async () => {
    let calls = 0;
    const value = await retryWhileRetriable(
      'test',
      async () => {
        calls++;
        if (calls < 4) throw nodeError('ECONNREFUSED');
        return 'done';
      },
      { delayMsMax: 5 },
    );
    expect([value, calls]).toEqual(['done', 4]);

    let bugCalls = 0;
    await expect(
      retryWhileRetriable(
        'test',
        async () => {
          bugCalls++;
          throw new TypeError('broken');
        },
        { delayMsMax: 5 },
      ),
    ).rejects.toThrow('broken');
    expect(bugCalls).toBe(1);
  });
});
