import { integTests, readSnapshot, synthesizeTemplates } from './integ-snapshots';

/**
 * The committed integration snapshots must match what the integ apps synthesize now.
 * After a deliberate change: `npx projen integ:snapshot`, review the diff, commit.
 */
test('there is at least one integration test', () => {
  expect(integTests().length).toBeGreaterThan(0);
});

test.each(integTests())('%s matches its committed snapshot', (integFile) => {
  const snapshot = readSnapshot(integFile);
  expect(Object.keys(snapshot).length).toBeGreaterThan(0);
  const now = synthesizeTemplates(integFile);
  expect(Object.keys(now)).toEqual(Object.keys(snapshot));
  for (const file of Object.keys(snapshot)) expect(now[file]).toEqual(snapshot[file]);
});
