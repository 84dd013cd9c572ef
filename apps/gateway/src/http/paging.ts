import type { Request } from 'express';
import { Errors } from '@clarion/contracts';
import { ApiError } from './api';

/** page / pageSize as seed 000 defines them: defaults 0 and 10, bounded above. */
export function parsePaging(q: Record<string, string | undefined>, pageSizeMax: number): { page: number; pageSize: number } {
  const page = q.page === undefined || q.page === '' ? 0 : Number(q.page);
  const pageSize = q.pageSize === undefined || q.pageSize === '' ? 10 : Number(q.pageSize);
  if (!Number.isSafeInteger(page) || page < 0) throw new ApiError(Errors.invalidParameter('page must be a whole number from 0.'), q);
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > pageSizeMax) throw new ApiError(Errors.invalidParameter(`pageSize must be a whole number from 1 to ${pageSizeMax}.`), q);
  return { page, pageSize };
}

/** SortBy=attr:asc|desc; the direction defaults to ascending. */
export function parseSort(value: string | undefined, attributes: string[]): { attribute: string; direction: 'asc' | 'desc' } {
  if (!value) return { attribute: attributes[0], direction: 'asc' };
  const [attribute, dir = 'asc'] = value.split(':');
  const direction = dir.toLowerCase();
  if (!attributes.includes(attribute) || (direction !== 'asc' && direction !== 'desc')) {
    throw new ApiError(Errors.invalidParameter(`SortBy must be one of ${attributes.map((a) => `${a}:asc|desc`).join(', ')}.`), value);
  }
  return { attribute, direction };
}

/** The seed's paging fields around one page of results. */
export function pageEnvelope(req: Request, page: number, pageSize: number, total: number, data: unknown[]) {
  const numPages = Math.ceil(total / pageSize);
  const path = req.path;
  const uriFor = (p: number) => {
    const params = new URLSearchParams(req.query as Record<string, string>);
    params.set('page', String(p));
    params.set('pageSize', String(pageSize));
    return `${path}?${params.toString()}`;
  };
  const start = page * pageSize;
  return {
    code: 200,
    message: 'OK',
    page,
    num_pages: numPages,
    page_size: pageSize,
    pageSize,
    total,
    start,
    end: data.length === 0 ? start : start + data.length - 1,
    uri: path,
    first_page_uri: uriFor(0),
    firstPageUri: uriFor(0),
    previous_page_uri: page > 0 ? uriFor(page - 1) : null,
    next_page_uri: page + 1 < numPages ? uriFor(page + 1) : null,
    nextPageUri: page + 1 < numPages ? uriFor(page + 1) : null,
    data,
  };
}
