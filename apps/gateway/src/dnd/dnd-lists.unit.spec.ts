import { entryBody } from './dnd-lists';

describe('entryBody', () => {
  it("writes an entry the seed's way: the number without +, the time as 2021-12-13T12:21:27+0000", () => {
    expect(entryBody({ sid: 'OT1', name: 'Opt-Out', number: '+918278362878', dateCreated: '2021-12-13T12:21:27.456Z', enterpriseSid: 'EN1' })).toEqual({
      sid: 'OT1',
      name: 'Opt-Out',
      number: '918278362878',
      dateCreated: '2021-12-13T12:21:27+0000',
      enterpriseSid: 'EN1',
    });
  });
});
