/**
 * The benchmark's baseline: a bare SMPP client (the `smpp` package alone, none of Clarion's code)
 * that pushes submits to an SMSC as fast as a window of outstanding submit_sm allows. Run by
 * campaign-throughput.ts as its own process (as dispatch-svc is), so that it does not share an
 * event loop with the simulator it measures. It reads one JSON job on stdin and writes one JSON
 * result line on stdout:
 *
 *   job    {host, port, systemId, password, from, text, numbers: string[], window, receiptWaitMs}
 *   result {submits, accepted, rejected, firstSubmitAt, lastResponseAt, seconds, perSecond,
 *           receipts, receiptsStale, lastReceiptAt}
 *
 * It binds as a transceiver, keeps `window` submit_sm in flight (the next one goes out on each
 * submit_sm_resp), asks for a delivery receipt on every message (registered_delivery=1) and
 * answers every deliver_sm. The rate is submits from the first submit_sm written to the last
 * submit_sm_resp received.
 */
import * as smpp from 'smpp';

interface Job {
  host: string;
  port: number;
  systemId: string;
  password: string;
  from: string;
  text: string;
  numbers: string[];
  window: number;
  receiptWaitMs: number;
}

/** As SMPP carries an address: digits without '+' (TON 1 international) or alphanumeric (TON 5). */
function address(a: string): { addr: string; ton: number; npi: number } {
  if (/^\+?[0-9]+$/.test(a)) return { addr: a.replace(/^\+/, ''), ton: 1, npi: 1 };
  return { addr: a.slice(0, 11), ton: 5, npi: 0 };
}

async function readJob(): Promise<Job> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Job;
}

async function run(job: Job) {
  const session = smpp.connect({ host: job.host, port: job.port, auto_enquire_link_period: 30000 });
  let failure: Error | null = null;
  session.on('error', (err: Error) => (failure ??= err));
  await new Promise<void>((resolve, reject) => {
    session.once('connect', () => resolve());
    session.once('error', reject);
  });
  await new Promise<void>((resolve, reject) => {
    session.bind_transceiver({ system_id: job.systemId, password: job.password }, (pdu: smpp.PDU) =>
      pdu.command_status === 0 ? resolve() : reject(new Error(`bind_transceiver refused: status 0x${pdu.command_status.toString(16)}`)),
    );
  });

  const total = job.numbers.length;
  const src = address(job.from);
  const body = Buffer.from(job.text, 'latin1');
  const awaitingReceipt = new Set<string>();
  let receipts = 0;
  let receiptsStale = 0;
  let lastReceiptAt = 0;
  let onReceipt: () => void = () => undefined;
  session.on('deliver_sm', (pdu: smpp.PDU) => {
    session.send(pdu.response());
    const id = String(pdu.receipted_message_id ?? '');
    if (awaitingReceipt.delete(id)) {
      receipts++;
      lastReceiptAt = Date.now();
      onReceipt();
    } else receiptsStale++; // e.g. one the simulator kept for an earlier session of this system id
  });
  session.on('enquire_link', (pdu: smpp.PDU) => session.send(pdu.response()));

  let next = 0;
  let answered = 0;
  let accepted = 0;
  let rejected = 0;
  let firstSubmitAt = 0;
  let lastResponseAt = 0;
  await new Promise<void>((resolve, reject) => {
    const sendNext = () => {
      const i = next++;
      const dst = address(job.numbers[i]);
      const pdu = new smpp.PDU('submit_sm', {
        source_addr_ton: src.ton,
        source_addr_npi: src.npi,
        source_addr: src.addr,
        dest_addr_ton: dst.ton,
        dest_addr_npi: dst.npi,
        destination_addr: dst.addr,
        registered_delivery: 1,
        data_coding: 0,
        short_message: body,
      });
      const written = session.send(pdu, (resp: smpp.PDU) => {
        answered++;
        if (resp.command_status === 0) {
          accepted++;
          awaitingReceipt.add(String(resp.message_id));
        } else rejected++;
        if (next < total) sendNext();
        else if (answered === total) {
          lastResponseAt = Date.now();
          resolve();
        }
      });
      if (!written) reject(failure ?? new Error('the SMPP socket is no longer writable'));
    };
    firstSubmitAt = Date.now();
    for (let k = 0; k < Math.min(job.window, total); k++) sendNext();
    if (total === 0) resolve();
    session.on('close', () => reject(failure ?? new Error('the SMSC closed the session')));
  });

  // The receipts: every accepted submit asked for one.
  await new Promise<void>((resolve) => {
    if (awaitingReceipt.size === 0) return resolve();
    const timer = setTimeout(resolve, job.receiptWaitMs);
    onReceipt = () => {
      if (awaitingReceipt.size === 0) {
        clearTimeout(timer);
        resolve();
      }
    };
  });
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, 2000);
    session.unbind({}, () => {
      clearTimeout(t);
      resolve();
    });
  });
  session.removeAllListeners('close');
  session.close();
  const seconds = (lastResponseAt - firstSubmitAt) / 1000;
  return { submits: total, accepted, rejected, firstSubmitAt, lastResponseAt, seconds, perSecond: seconds > 0 ? total / seconds : 0, receipts, receiptsStale, lastReceiptAt };
}

readJob()
  .then(run)
  .then(
    (result) => {
      process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0));
    },
    (err: Error) => {
      process.stderr.write(`bare SMPP client failed: ${err.stack ?? err.message}\n`);
      process.exit(1);
    },
  );
