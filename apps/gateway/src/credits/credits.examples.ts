/** Seed 000's examples of the credit answers, shown in the API description (/docs). */
export const CREDIT_ENTRY_EXAMPLE = {
  sid: 'ENCee320039e3e647eaa7df7cef5e3d6b55',
  enterpriseSid: 'EN6c9dfebda23b403a959a99112437e785',
  dateUpdated: '2020-08-31T07:36:21+0000',
  dateCreated: '2020-08-31T07:36:21+0000',
  accountSid: 'ACb06dc1c0b555df46a02ccaea1cb11bc1',
  accountEmail: 'cpadmin@company.com',
  description: 'SMS credits',
  credit: 1000,
};

export const CREDIT_LIST_EXAMPLE = {
  code: 200,
  message: 'OK',
  page: 0,
  num_pages: 3,
  page_size: 2,
  pageSize: 2,
  total: 6,
  start: 0,
  end: 1,
  uri: '/campaignmanager/credits/search',
  first_page_uri: '/campaignmanager/credits/search?pageSize=2&page=0',
  firstPageUri: '/campaignmanager/credits/search?pageSize=2&page=0',
  previous_page_uri: null,
  next_page_uri: '/campaignmanager/credits/search?pageSize=2&page=1',
  nextPageUri: '/campaignmanager/credits/search?pageSize=2&page=1',
  data: [
    CREDIT_ENTRY_EXAMPLE,
    {
      ...CREDIT_ENTRY_EXAMPLE,
      sid: 'ENC79acd62882a245aab15045a962a216e4',
      dateUpdated: '2020-08-31T07:44:20+0000',
      dateCreated: '2020-08-31T07:44:20+0000',
      description: 'Campaign CP0f8a4a1b2c3d4e5f60718293a4b5c6d7 "New year"',
      credit: -10,
    },
  ],
};

export const errorExample = (code: number, message: string) => ({ code, message, data: null });
