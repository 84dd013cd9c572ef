// The smpp package ships no types; this names what Clarion uses of it.
declare module 'smpp' {
  import { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';
  export interface PDU {
    command: string;
    command_status: number;
    sequence_number: number;
    [field: string]: any;
    response(options?: Record<string, unknown>): PDU;
    isResponse(): boolean;
  }
  export class Session extends EventEmitter {
    socket: Socket;
    send(pdu: PDU, onResponse?: (pdu: PDU) => void, onSent?: (pdu: PDU) => void): boolean;
    close(cb?: () => void): void;
    destroy(cb?: () => void): void;
    pause(): void;
    resume(): void;
    [command: string]: any;
  }
  export class Server extends NetServer {
    sessions: Session[];
  }
  export function connect(options: { host: string; port: number; auto_enquire_link_period?: number }, listener?: () => void): Session;
  export function createServer(options: Record<string, unknown>, listener: (session: Session) => void): Server;
  export const PDU: new (command: string, options?: Record<string, unknown>) => PDU;
  export const encodings: Record<'ASCII' | 'LATIN1' | 'UCS2', { match(v: string): boolean; encode(v: string): Buffer; decode(v: Buffer): string }>;
  export const errors: Record<string, number>;
  export const types: { tlv: Record<string, unknown> };
  export function addTLV(tag: string, options: { id: number; type: unknown }): void;
  export const consts: Record<string, any>;
  const smpp: any;
  export default smpp;
}
