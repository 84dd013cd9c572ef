/** Seed 000's examples, shown in /docs next to each DND operation. */
export const errorExample = (code: number, message: string, data: unknown = null) => ({ code, message, data });

export const UPLOAD_EXAMPLE = (name: string) => ({ data: { name, enterpriseSid: 'EN909628cbd8e9429899c0b474f2e96423' }, code: 200, message: 'OK' });

export const ENTRY_EXAMPLE = (name: string) => ({
  data: { sid: 'OT38cbd6deddda44cebcaaf1e06e78ce3e', name, number: '918278362878', dateCreated: '2021-12-13T12:21:27+0000', enterpriseSid: 'EN909628cbd8e9429899c0b474f2e96423' },
  code: 200,
  message: 'OK',
});

export const SEARCH_EXAMPLE = (path: string, name: string) => ({
  data: {
    result: [{ sid: 'OT5fd7e2a4efa14c2f90bd986f197d86fc', name, number: '6372837839', dateCreated: '2021-12-13T12:21:27+0000', enterpriseSid: 'EN909628cbd8e9429899c0b474f2e96423' }],
    pageSize: 10,
    total: 1,
    page: 0,
    numPages: 1,
    start: 0,
    end: 0,
    firstPageUri: `/campaignmanager/dnd/${path}/search?sortBy=datecreated%3Adesc&page=0&pageSize=10`,
    uri: `/campaignmanager/dnd/${path}/search?sortBy=datecreated%3Adesc&page=0&pageSize=10`,
  },
  code: 200,
  message: 'OK',
});
