import type { DndEntryBody } from '../dnd-lists';

/** Seed 000's DND search answer: the paging fields sit inside data, next to result. */
export interface EntriesPage<T = DndEntryBody> {
  result: T[];
  pageSize: number;
  total: number;
  page: number;
  numPages: number;
  start: number;
  end: number;
  firstPageUri: string;
  uri: string;
}

/**
 * One page with the seed's paging fields. start and end are the offsets of the first and last
 * record on the page (end = start on an empty page); the URIs repeat the caller's filters and
 * sort, so following them returns the same search.
 */
export function entriesPage<T = DndEntryBody>(path: string, query: Record<string, string | undefined>, page: number, pageSize: number, total: number, result: T[]): EntriesPage<T> {
  const uriFor = (p: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && k !== 'page' && k !== 'pageSize') params.set(k, v);
    params.set('pageSize', String(pageSize));
    params.set('page', String(p));
    return `${path}?${params.toString()}`;
  };
  const start = page * pageSize;
  return {
    result,
    pageSize,
    total,
    page,
    numPages: Math.ceil(total / pageSize),
    start,
    end: result.length === 0 ? start : start + result.length - 1,
    firstPageUri: uriFor(0),
    uri: uriFor(page),
  };
}
