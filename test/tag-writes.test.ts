import { OWNER_TAG_KEY, RETAINED_TAG_KEY } from '../src/provider/lifecycle';
import { tagWrites } from '../src/provider/tag-writes';

const OWNER = { [OWNER_TAG_KEY]: '0123456789abcdef0123456789abcdef' };

describe('tagWrites: the tag writes of a reconciliation, from the event first and the read second', () => {
  test('a rollback whose read lags behind the failed update\'s TagResource still writes the rolled-back value', () => {
    // the update wrote team=x; the rollback (new: team=y, previous: team=x) reads the view from before that write
    const writes = tagWrites({ team: 'y' }, OWNER, { team: 'x' }, { team: 'y', ...OWNER });
    expect(writes).toEqual({ toAdd: { team: 'y' }, toRemove: [] });
  });

  test('a key the previous template set and the new one does not is removed, even when the read does not show it', () => {
    const writes = tagWrites({ team: 'y' }, OWNER, { team: 'y', env: 'prod' }, { team: 'y', ...OWNER });
    expect(writes).toEqual({ toAdd: {}, toRemove: ['env'] });
  });

  test('tags both templates agree on are written only when the read shows them different (drift)', () => {
    expect(tagWrites({ team: 'y' }, OWNER, { team: 'y' }, { team: 'y', ...OWNER })).toEqual({ toAdd: {}, toRemove: [] });
    expect(tagWrites({ team: 'y' }, OWNER, { team: 'y' }, { team: 'edited', ...OWNER })).toEqual({ toAdd: { team: 'y' }, toRemove: [] });
  });

  test('a tag neither template names is never written or removed', () => {
    const writes = tagWrites({ team: 'y' }, OWNER, { team: 'x' }, { 'team': 'x', 'cost-centre': 'ops', ...OWNER });
    expect(writes.toAdd).not.toHaveProperty('cost-centre');
    expect(writes.toRemove).toEqual([]);
  });

  test('the handler\'s marks are written when the read does not show them, and never removed', () => {
    expect(tagWrites({}, OWNER, {}, {})).toEqual({ toAdd: OWNER, toRemove: [] });
    // a template that once named a handler key does not make the handler remove it
    expect(tagWrites({}, OWNER, { [RETAINED_TAG_KEY]: 'x', [OWNER_TAG_KEY]: 'y' }, OWNER)).toEqual({ toAdd: {}, toRemove: [] });
  });

  test('a template tag with a handler mark\'s key gets the handler\'s value', () => {
    const writes = tagWrites({ [OWNER_TAG_KEY]: 'mine', team: 'y' }, OWNER, undefined, {});
    expect(writes.toAdd).toEqual({ ...OWNER, team: 'y' });
    expect(tagWrites({ [OWNER_TAG_KEY]: 'mine' }, OWNER, {}, OWNER).toAdd).toEqual({});
  });

  test('with no previous template known, every template tag is written', () => {
    expect(tagWrites({ team: 'y', env: 'prod' }, OWNER, undefined, { team: 'y', env: 'prod', ...OWNER }))
      .toEqual({ toAdd: { team: 'y', env: 'prod' }, toRemove: [] });
  });

  test('removals are sorted and handler marks never among them', () => {
    expect(tagWrites({}, OWNER, { b: '1', a: '2', [OWNER_TAG_KEY]: 'z' }, {}).toRemove).toEqual(['a', 'b']);
  });
});
