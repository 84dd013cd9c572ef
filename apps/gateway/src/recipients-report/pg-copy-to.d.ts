// The part of pg-copy-streams the report's export uses (libs/platform declares the COPY FROM side).
declare module 'pg-copy-streams' {
  import type { Readable } from 'node:stream';
  import type { Submittable } from 'pg';
  export function to(sql: string): Submittable & Readable;
}
