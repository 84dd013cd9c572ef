// pg-copy-streams ships no types; this names what Clarion uses of it.
declare module 'pg-copy-streams' {
  import type { Writable } from 'node:stream';
  import type { Submittable } from 'pg';
  export function from(sql: string): Submittable & Writable;
}
